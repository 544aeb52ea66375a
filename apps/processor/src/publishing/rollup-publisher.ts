import { seriesMessageKey, type Attributes, type RollupRecord } from '@telemetry/contracts';
import type { BatchProducer } from '@telemetry/kafka';
import { closingWatermarkMs, MINUTE_SECONDS } from '@telemetry/rollup';
import type { Pool } from 'pg';
import { sendInChunks } from './send-in-chunks';

interface DueRow {
  metric: string;
  series: string;
  bucket_start: Date;
  attributes: Attributes;
  count: string;
  sum: number;
  min: number;
  max: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  value: number | null;
}

export const toRollupRecord = (row: DueRow, bucketSeconds: number): RollupRecord => ({
  metric: row.metric,
  series: row.series,
  bucketStart: row.bucket_start.toISOString(),
  bucketSeconds,
  count: Number(row.count),
  sum: row.sum,
  min: row.min,
  max: row.max,
  quantiles: { p50: row.p50, p95: row.p95, p99: row.p99 },
  ...(row.value === null ? {} : { value: row.value }),
  attributes: row.attributes,
});

/**
 * Publishes closed 1-minute buckets to metrics.rollup.v1. A bucket is due once its end is behind
 * the watermark (newest event time or wall clock, minus the allowed lateness) and its
 * published_at differs from its updated_at: never published, or changed by late data since, in
 * which case it is published again with its new totals (consumers keep the latest record per
 * key + bucketStart). The rows stay locked (SKIP LOCKED: instances share the work) until Kafka
 * acknowledged and published_at is committed; a crash in between publishes the bucket again
 * (at least once), never loses it.
 */
export class RollupPublisher {
  private maxEventTimeMs = 0;

  constructor(
    private readonly pool: Pool,
    private readonly producer: BatchProducer,
    private readonly topic: string,
    private readonly allowedLatenessMs: number,
    private readonly pageSize: number,
  ) {}

  noteEventTime(timeMs: number): void {
    if (timeMs > this.maxEventTimeMs) this.maxEventTimeMs = timeMs;
  }

  watermarkMs(nowMs = Date.now()): number {
    return closingWatermarkMs(this.maxEventTimeMs, nowMs, this.allowedLatenessMs);
  }

  /** Publishes every due bucket, a page at a time; returns how many were published. */
  async publishDue(nowMs = Date.now()): Promise<number> {
    const closedBefore = new Date(this.watermarkMs(nowMs) - MINUTE_SECONDS * 1_000);
    let published = 0;
    for (;;) {
      const count = await this.publishPage(closedBefore);
      published += count;
      if (count < this.pageSize) return published;
    }
  }

  private async publishPage(closedBefore: Date): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<DueRow>(
        `SELECT metric, series, bucket_start, attributes, count, sum, min, max, p50, p95, p99, value
           FROM rollups_1m
          WHERE bucket_start <= $1 AND published_at IS DISTINCT FROM updated_at
          ORDER BY bucket_start
          LIMIT $2
          FOR UPDATE SKIP LOCKED`,
        [closedBefore, this.pageSize],
      );
      if (rows.length > 0) {
        await sendInChunks(
          this.producer,
          this.topic,
          rows.map((row) => ({ key: seriesMessageKey(row.metric, row.series), value: JSON.stringify(toRollupRecord(row, MINUTE_SECONDS)) })),
        );
        await client.query(
          // The rows are locked since the SELECT, so updated_at is still what was published; copied
          // in SQL because JS dates would drop its microseconds and the bucket would never settle.
          `UPDATE rollups_1m r SET published_at = r.updated_at
             FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS u(metric, series, bucket_start)
            WHERE r.metric = u.metric AND r.series = u.series AND r.bucket_start = u.bucket_start`,
          [rows.map((r) => r.metric), rows.map((r) => r.series), rows.map((r) => r.bucket_start)],
        );
      }
      await client.query('COMMIT');
      return rows.length;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
