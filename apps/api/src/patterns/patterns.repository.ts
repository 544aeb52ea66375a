import { Inject, Injectable } from '@nestjs/common';
import type { Attributes } from '@telemetry/contracts';
import type { BucketSeries, SegmentInput } from '@telemetry/rollup';
import type { Pool } from 'pg';
import { PG_POOL, TIME_BUCKET_FUNCTION, type TimeBucketFunction } from '../core/api-deps';

export interface MiningRange {
  readonly table: 'rollups_1m' | 'rollups_1h';
  readonly fromMs: number;
  readonly toMs: number;
  readonly bucketSeconds: number;
}

/** Reads what libs/rollup's mining functions take, straight from the rollup tables. */
@Injectable()
export class PatternsRepository {
  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(TIME_BUCKET_FUNCTION) private readonly timeBucketFunction: TimeBucketFunction,
  ) {}

  /** One row per series of the metric: its totals over the range. */
  async seriesTotals(metric: string, range: MiningRange): Promise<SegmentInput[]> {
    const { rows } = await this.pool.query<{ attributes: Attributes; count: number; sum: number }>(
      `SELECT (array_agg(attributes))[1] AS attributes, sum(count)::float8 AS count, sum(sum) AS sum
       FROM ${range.table}
       WHERE metric = $1 AND bucket_start >= $2::timestamptz AND bucket_start < $3::timestamptz
       GROUP BY series`,
      [metric, new Date(range.fromMs).toISOString(), new Date(range.toMs).toISOString()],
    );
    return rows;
  }

  /** Every metric's mean per bucket over the range, to correlate with the target's. */
  async meansByMetric(target: string, range: MiningRange, maxMetrics: number): Promise<Map<string, BucketSeries>> {
    const { rows } = await this.pool.query<{ metric: string; t: Date; mean: number | null }>(
      `WITH chosen AS (
         SELECT $5::text AS metric
         UNION
         (SELECT DISTINCT metric FROM ${range.table}
          WHERE bucket_start >= $1::timestamptz AND bucket_start < $2::timestamptz
          ORDER BY metric LIMIT $4))
       SELECT r.metric, ${this.timeBucketFunction}($3::interval, r.bucket_start, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS t,
              sum(r.sum) / NULLIF(sum(r.count), 0) AS mean
       FROM ${range.table} r JOIN chosen USING (metric)
       WHERE r.bucket_start >= $1::timestamptz AND r.bucket_start < $2::timestamptz
       GROUP BY 1, 2`,
      [new Date(range.fromMs).toISOString(), new Date(range.toMs).toISOString(), `${range.bucketSeconds} seconds`, maxMetrics, target],
    );
    const byMetric = new Map<string, Map<number, number>>();
    for (const row of rows) {
      if (row.mean === null) continue;
      let series = byMetric.get(row.metric);
      if (series === undefined) {
        series = new Map();
        byMetric.set(row.metric, series);
      }
      series.set(row.t.getTime(), row.mean);
    }
    return byMetric;
  }
}
