import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../core/api-deps';
import { badUserInput } from '../errors/api-error';
import type { SeriesPlan } from './plan-series-query';
import type { Series, SeriesPoint } from './series.model';

interface BucketRow {
  /** Epoch milliseconds: a float8 parses several times faster than a timestamptz string. */
  t_ms: number;
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  [groupColumn: `g${number}`]: string | null;
}

/**
 * GraphQL's Float has no Infinity: a sum of finite values near the float8 limit overflows to it
 * (two events of 1.7e308), and would fail the whole answer. Such an aggregate is not representable: null.
 */
const finiteOrNull = (value: number | null): number | null => (value !== null && Number.isFinite(value) ? value : null);

const toPoint = (row: BucketRow): SeriesPoint => {
  const sum = finiteOrNull(row.sum);
  return {
    t: new Date(row.t_ms),
    count: row.count,
    sum,
    min: row.min,
    max: row.max,
    avg: row.count > 0 && sum !== null ? sum / row.count : null,
    p50: finiteOrNull(row.p50),
    p95: row.p95,
    p99: row.p99,
    value: null,
  };
};

/** Groups in the order ORDER BY g0, g1, … gave them: by value, code unit order, a missing key (null) last. */
const compareGroupValues = (a: readonly (string | null)[], b: readonly (string | null)[]): number => {
  for (let index = 0; index < a.length; index += 1) {
    const left = a[index] ?? null;
    const right = b[index] ?? null;
    if (left === right) continue;
    if (left === null) return 1;
    if (right === null) return -1;
    return left < right ? -1 : 1;
  }
  return 0;
};

@Injectable()
export class SeriesRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Runs a planned query; rows arrive ordered by time then group, and are cut into series in one pass. */
  async run(plan: SeriesPlan): Promise<Series[]> {
    const { rows } = await this.pool.query<BucketRow>(plan.sql, plan.params as unknown[]);
    if (rows.length > plan.maxRows) {
      throw badUserInput(`the answer has more than ${plan.maxRows} points: raise step, narrow the range or group by fewer keys`, {
        maxRows: plan.maxRows,
      });
    }
    const groupCount = plan.groupKeys.length;
    if (groupCount === 0) return rows.length === 0 ? [] : [{ group: {}, points: rows.map(toPoint) }];
    const byGroup = new Map<string, { values: (string | null)[]; series: Series }>();
    for (const row of rows) {
      const values = plan.groupKeys.map((_, index) => row[`g${index}`] ?? null);
      const key = JSON.stringify(values);
      let entry = byGroup.get(key);
      if (entry === undefined) {
        entry = { values, series: { group: Object.fromEntries(plan.groupKeys.map((name, index) => [name, values[index] ?? null])), points: [] } };
        byGroup.set(key, entry);
      }
      entry.series.points.push(toPoint(row));
    }
    return [...byGroup.values()].sort((a, b) => compareGroupValues(a.values, b.values)).map((entry) => entry.series);
  }
}
