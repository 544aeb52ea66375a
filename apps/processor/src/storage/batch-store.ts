import { enterErasureFenceShared } from '@telemetry/db';
import { aggregatePoints, MINUTE_SECONDS, type DerivedMetric, type RollupPoint } from '@telemetry/rollup';
import type { Pool, PoolClient } from 'pg';
import { insertPoints, type PointSource } from './data-points.repository';
import type { StoredPoint } from './decode-batch';
import { dropErasedPoints } from './erased-points';
import { deriveInto, mergeBuckets } from './rollup.repository';

export interface StoreResult {
  inserted: StoredPoint[];
  /** Points not stored because they already were (replay) or appeared twice in the batch. */
  duplicates: number;
  /** Points not stored (nor rolled up) because their subject's erasure was requested after they were received. */
  erased: number;
  bucketsMerged: number;
  derivedChanged: number;
}

/** Deadlocks and serialization failures are worth retrying at once; anything else replays the batch. */
const RETRIABLE_SQLSTATES = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 3;

const sqlState = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

const toRollupPoint = (point: StoredPoint): RollupPoint => ({
  metric: point.metric,
  series: point.series,
  attributes: point.seriesAttributes,
  timeMs: point.timeMs,
  value: point.value,
});

/**
 * Stores one consumed batch in ONE transaction: raw rows, the 1-minute rollups of exactly the rows
 * that were inserted (a replayed batch inserts none, so it adds nothing), and the derived metrics
 * that read them. Points of subjects erased after they were received are deleted again before the
 * rollup merge (dropErasedPoints), so they count nowhere, under the erasure fence taken first.
 * Resolves after COMMIT; the consumer commits the Kafka offsets only then.
 * `points` may still be decoding (BatchDecoding): the COPY takes them as they come.
 */
export const storeBatch = async (pool: Pool, points: PointSource, derived: readonly DerivedMetric[]): Promise<StoreResult> => {
  for (let attempt = 1; ; attempt += 1) {
    const client = await pool.connect();
    try {
      const result = await storeInTransaction(client, points, derived);
      return { ...result, duplicates: points.all().length - result.inserted.length - result.erased };
    } catch (error) {
      if (attempt < MAX_ATTEMPTS && RETRIABLE_SQLSTATES.has(sqlState(error) ?? '')) continue;
      throw error;
    } finally {
      client.release();
    }
  }
};

const storeInTransaction = async (
  client: PoolClient,
  points: PointSource,
  derived: readonly DerivedMetric[],
): Promise<Omit<StoreResult, 'duplicates'>> => {
  await client.query('BEGIN');
  try {
    await enterErasureFenceShared(client);
    const { kept: inserted, erased } = await dropErasedPoints(client, await insertPoints(client, points));
    const buckets = [...aggregatePoints(inserted.map(toRollupPoint), MINUTE_SECONDS).values()];
    await mergeBuckets(client, 'rollups_1m', buckets);
    const touchedMetrics = new Set(buckets.map((bucket) => bucket.metric));
    const bucketStarts = [...new Set(buckets.map((bucket) => bucket.bucketStartMs))];
    const derivedChanged = derived.length > 0 ? await deriveInto(client, 'rollups_1m', MINUTE_SECONDS, derived, touchedMetrics, bucketStarts) : 0;
    await client.query('COMMIT');
    return { inserted, erased, bucketsMerged: buckets.length, derivedChanged };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
};
