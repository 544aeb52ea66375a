import {
  decodeSketch,
  deriveBuckets,
  encodeSketch,
  needsSketches,
  planDerivation,
  sketchQuantiles,
  type DerivedMetric,
  type RollupBucket,
} from '@telemetry/rollup';
import type { Attributes } from '@telemetry/contracts';
import type { PoolClient } from 'pg';

export type RollupTable = 'rollups_1m' | 'rollups_1h';

const keyOf = (metric: string, series: string, bucketStartMs: number) => `${metric}\u0000${series}\u0000${bucketStartMs}`;

/** Sorted so that concurrent transactions lock rows in the same order and never deadlock. */
const sortBuckets = <T extends { metric: string; series: string; bucketStartMs: number }>(buckets: T[]): T[] =>
  buckets.sort((a, b) =>
    a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : a.series < b.series ? -1 : a.series > b.series ? 1 : a.bucketStartMs - b.bucketStartMs,
  );

const quantileColumns = (bucket: RollupBucket) => {
  const quantiles = sketchQuantiles(bucket.sketch);
  return [quantiles.p50, quantiles.p95, quantiles.p99] as const;
};

/**
 * Merges fresh buckets into stored ones, inside the caller's transaction. count/sum/min/max merge
 * in SQL in the upsert, which also locks each row (in sorted order); the stored sketch comes back
 * from it, is merged in memory with the fresh one, and is written with its quantiles. Late points
 * land in their old bucket the same way, and bump updated_at so the bucket is published again.
 */
export const mergeBuckets = async (client: PoolClient, table: RollupTable, fresh: RollupBucket[]): Promise<void> => {
  if (fresh.length === 0) return;
  const buckets = sortBuckets(fresh);
  const { rows } = await client.query<{ metric: string; series: string; bucket_start: Date; sketch: Buffer | null }>(
    `INSERT INTO ${table} AS r (metric, series, bucket_start, attributes, count, sum, min, max, updated_at)
     SELECT u.*, now() FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[], $5::bigint[], $6::float8[], $7::float8[], $8::float8[])
       AS u(metric, series, bucket_start, attributes, count, sum, min, max)
     ON CONFLICT (metric, series, bucket_start) DO UPDATE
       SET count = r.count + EXCLUDED.count, sum = r.sum + EXCLUDED.sum,
           min = least(r.min, EXCLUDED.min), max = greatest(r.max, EXCLUDED.max), updated_at = now()
     RETURNING metric, series, bucket_start, sketch`,
    [
      buckets.map((b) => b.metric),
      buckets.map((b) => b.series),
      buckets.map((b) => new Date(b.bucketStartMs)),
      buckets.map((b) => JSON.stringify(b.attributes)),
      buckets.map((b) => b.count),
      buckets.map((b) => b.sum),
      buckets.map((b) => b.min),
      buckets.map((b) => b.max),
    ],
  );
  const stored = new Map(rows.map((row) => [keyOf(row.metric, row.series, row.bucket_start.getTime()), row.sketch]));
  const sketches: Buffer[] = [];
  const p50: Array<number | null> = [];
  const p95: Array<number | null> = [];
  const p99: Array<number | null> = [];
  for (const bucket of buckets) {
    const previous = stored.get(keyOf(bucket.metric, bucket.series, bucket.bucketStartMs));
    const sketch = previous ? decodeSketch(previous) : null;
    if (sketch && bucket.sketch) sketch.merge(bucket.sketch);
    const merged = sketch ?? bucket.sketch;
    const quantiles = sketchQuantiles(merged);
    sketches.push(merged ? Buffer.from(encodeSketch(merged)) : Buffer.alloc(0));
    p50.push(quantiles.p50);
    p95.push(quantiles.p95);
    p99.push(quantiles.p99);
  }
  await client.query(
    `UPDATE ${table} r SET sketch = u.sketch, p50 = u.p50, p95 = u.p95, p99 = u.p99
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::bytea[], $5::float8[], $6::float8[], $7::float8[])
         AS u(metric, series, bucket_start, sketch, p50, p95, p99)
      WHERE r.metric = u.metric AND r.series = u.series AND r.bucket_start = u.bucket_start`,
    [buckets.map((b) => b.metric), buckets.map((b) => b.series), buckets.map((b) => new Date(b.bucketStartMs)), sketches, p50, p95, p99],
  );
};

/**
 * Writes recomputed buckets as they are (the hourly job recomputes an hour from its minutes, so
 * the result replaces what was stored).
 */
export const replaceBuckets = async (client: PoolClient, table: RollupTable, recomputed: RollupBucket[]): Promise<void> => {
  if (recomputed.length === 0) return;
  const buckets = sortBuckets(recomputed);
  const quantiles = buckets.map(quantileColumns);
  await client.query(
    `INSERT INTO ${table} AS r (metric, series, bucket_start, attributes, count, sum, min, max, sketch, p50, p95, p99, updated_at)
     SELECT u.*, now() FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[], $5::bigint[], $6::float8[], $7::float8[], $8::float8[],
                                   $9::bytea[], $10::float8[], $11::float8[], $12::float8[])
       AS u(metric, series, bucket_start, attributes, count, sum, min, max, sketch, p50, p95, p99)
     ON CONFLICT (metric, series, bucket_start) DO UPDATE
       SET attributes = EXCLUDED.attributes, count = EXCLUDED.count, sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max,
           sketch = EXCLUDED.sketch, p50 = EXCLUDED.p50, p95 = EXCLUDED.p95, p99 = EXCLUDED.p99, updated_at = now()`,
    [
      buckets.map((b) => b.metric),
      buckets.map((b) => b.series),
      buckets.map((b) => new Date(b.bucketStartMs)),
      buckets.map((b) => JSON.stringify(b.attributes)),
      buckets.map((b) => b.count),
      buckets.map((b) => b.sum),
      buckets.map((b) => b.min),
      buckets.map((b) => b.max),
      buckets.map((b) => (b.sketch ? Buffer.from(encodeSketch(b.sketch)) : null)),
      quantiles.map((q) => q[0]),
      quantiles.map((q) => q[1]),
      quantiles.map((q) => q[2]),
    ],
  );
};

interface RollupRow {
  metric: string;
  series: string;
  bucket_start: Date;
  attributes: Attributes;
  count: string;
  sum: number;
  min: number;
  max: number;
  sketch: Buffer | null;
}

export const rowToBucket = (row: RollupRow): RollupBucket => ({
  metric: row.metric,
  series: row.series,
  bucketStartMs: row.bucket_start.getTime(),
  attributes: row.attributes,
  count: Number(row.count),
  sum: row.sum,
  min: row.min,
  max: row.max,
  sketch: row.sketch && row.sketch.length > 0 ? decodeSketch(row.sketch) : null,
});

/** Measured buckets of these metrics at these bucket starts (every series). */
export const loadBuckets = async (
  client: PoolClient,
  table: RollupTable,
  metrics: readonly string[],
  bucketStartsMs: readonly number[],
  withSketches: boolean,
): Promise<RollupBucket[]> => {
  if (metrics.length === 0 || bucketStartsMs.length === 0) return [];
  const { rows } = await client.query<RollupRow>(
    `SELECT metric, series, bucket_start, attributes, count, sum, min, max, ${withSketches ? 'sketch' : 'NULL::bytea AS sketch'}
       FROM ${table}
      WHERE metric = ANY($1::text[]) AND bucket_start = ANY($2::timestamptz[]) AND value IS NULL`,
    [metrics, bucketStartsMs.map((ms) => new Date(ms))],
  );
  return rows.map(rowToBucket);
};

/**
 * Recomputes the derived metrics that read any of `touchedMetrics`, at `bucketStartsMs`, inside
 * the caller's transaction (after the inputs were merged, so it sees them). An advisory lock per
 * (derived metric, bucket) serialises concurrent batches: the second one reads the inputs only
 * after the first committed, so neither overwrites the other's contribution with a stale value.
 * Returns how many derived buckets changed.
 */
export const deriveInto = async (
  client: PoolClient,
  table: RollupTable,
  bucketSeconds: number,
  derived: readonly DerivedMetric[],
  touchedMetrics: ReadonlySet<string>,
  bucketStartsMs: readonly number[],
): Promise<number> => {
  const plan = planDerivation(derived, touchedMetrics);
  if (plan.order.length === 0 || bucketStartsMs.length === 0) return 0;
  const lockNames: string[] = [];
  const lockBuckets: number[] = [];
  for (const metric of plan.order) {
    for (const start of bucketStartsMs) {
      lockNames.push(`${table}:${metric.name}`);
      lockBuckets.push(Math.floor(start / (bucketSeconds * 1_000)) % 2_147_483_647);
    }
  }
  await client.query(
    `SELECT count(pg_advisory_xact_lock(hashtext(s.name), s.bucket))
       FROM (SELECT name, bucket FROM unnest($1::text[], $2::int[]) AS l(name, bucket) ORDER BY hashtext(name), bucket) s`,
    [lockNames, lockBuckets],
  );
  const inputs = await loadBuckets(client, table, plan.measuredInputs, bucketStartsMs, needsSketches(plan.order));
  const values = sortBuckets(deriveBuckets(plan.order, inputs, bucketSeconds));
  if (values.length === 0) return 0;
  const result = await client.query(
    `INSERT INTO ${table} AS r (metric, series, bucket_start, attributes, count, sum, min, max, value, updated_at)
     SELECT u.metric, u.series, u.bucket_start, u.attributes, 1, u.value, u.value, u.value, u.value, now()
       FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[], $5::float8[]) AS u(metric, series, bucket_start, attributes, value)
     ON CONFLICT (metric, series, bucket_start) DO UPDATE
       SET sum = EXCLUDED.sum, min = EXCLUDED.min, max = EXCLUDED.max, value = EXCLUDED.value, updated_at = now()
       WHERE r.value IS DISTINCT FROM EXCLUDED.value`,
    [
      values.map((v) => v.metric),
      values.map((v) => v.series),
      values.map((v) => new Date(v.bucketStartMs)),
      values.map((v) => JSON.stringify(v.attributes)),
      values.map((v) => v.value),
    ],
  );
  return result.rowCount ?? 0;
};
