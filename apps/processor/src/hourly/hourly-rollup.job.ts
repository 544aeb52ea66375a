import { bucketKey, bucketStartMs, emptyBucket, HOUR_SECONDS, mergeInto, type DerivedMetric, type RollupBucket } from '@telemetry/rollup';
import type { Pool } from 'pg';
import { deriveInto, replaceBuckets, rowToBucket } from '../storage/rollup.repository';

/** Only one instance recomputes hours at a time: two would race to write the same rows. */
const HOURLY_JOB_LOCK = 'processor:hourly-rollup';
/** Re-scan this much before the last run: a batch that started before it may have committed after. */
const RESCAN_MARGIN_MS = 5 * 60_000;

interface TouchedHour {
  metric: string;
  series: string;
  hour: Date;
}

/**
 * Derives rollups_1h from rollups_1m: every hour with a 1-minute bucket changed since the last run
 * (found through updated_at) is recomputed from all its minutes (sketches merged), so the job is
 * idempotent and late data reaches the hour too. Derived metrics are evaluated on the hourly
 * inputs (a rate over the hour), not averaged from their minutes.
 */
export class HourlyRollupJob {
  private sinceMs: number | undefined;

  constructor(private readonly pool: Pool) {}

  /** Returns the number of hourly buckets recomputed (0 when another instance holds the job). */
  async run(derived: readonly DerivedMetric[]): Promise<number> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows: lock } = await client.query<{ locked: boolean; now: Date }>(
        `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked, now() AS now`,
        [HOURLY_JOB_LOCK],
      );
      if (!lock[0]?.locked) {
        await client.query('ROLLBACK');
        return 0;
      }
      const scanStartMs = (lock[0].now as Date).getTime();
      if (this.sinceMs === undefined) {
        const { rows } = await client.query<{ since: Date | null }>(`SELECT max(updated_at) AS since FROM rollups_1h`);
        this.sinceMs = rows[0]?.since?.getTime() ?? 0;
      }
      const { rows: touched } = await client.query<TouchedHour>(
        `SELECT DISTINCT metric, series, date_trunc('hour', bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour
           FROM rollups_1m
          WHERE updated_at > $1 AND value IS NULL`,
        [new Date(Math.max(0, this.sinceMs - RESCAN_MARGIN_MS))],
      );
      if (touched.length > 0) {
        const { rows: minutes } = await client.query(
          `SELECT m.metric, m.series, m.bucket_start, m.attributes, m.count, m.sum, m.min, m.max, m.sketch
             FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS t(metric, series, hour)
             JOIN rollups_1m m ON m.metric = t.metric AND m.series = t.series
                              AND m.bucket_start >= t.hour AND m.bucket_start < t.hour + interval '1 hour'
            WHERE m.value IS NULL`,
          [touched.map((t) => t.metric), touched.map((t) => t.series), touched.map((t) => t.hour)],
        );
        const hours = new Map<string, RollupBucket>();
        for (const row of minutes) {
          const minute = rowToBucket(row);
          const start = bucketStartMs(minute.bucketStartMs, HOUR_SECONDS);
          const key = bucketKey(minute.metric, minute.series, start);
          let hour = hours.get(key);
          if (!hour) {
            hour = emptyBucket(minute.metric, minute.series, start, minute.attributes);
            hours.set(key, hour);
          }
          mergeInto(hour, minute);
        }
        await replaceBuckets(client, 'rollups_1h', [...hours.values()]);
        const touchedMetrics = new Set(touched.map((t) => t.metric));
        const touchedHours = [...new Set(touched.map((t) => t.hour.getTime()))];
        await deriveInto(client, 'rollups_1h', HOUR_SECONDS, derived, touchedMetrics, touchedHours);
      }
      await client.query('COMMIT');
      this.sinceMs = scanStartMs;
      return touched.length;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
