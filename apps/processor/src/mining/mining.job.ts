import { loadBucketSeries, loadSegmentInputs, minePatterns, savePatterns } from '@telemetry/db';
import type { Pool } from 'pg';

const MINING_JOB_LOCK = 'processor:mining';

/**
 * Mines every metric with rollups in the last `windowMs` (ending at the current multiple of
 * `alignMs`, so re-runs within one period replace the same range's patterns) and stores the
 * patterns; patterns found more than `keepDays` ago are deleted. One instance at a time.
 */
export class MiningJob {
  constructor(
    private readonly pool: Pool,
    private readonly windowMs: number,
    private readonly alignMs: number,
    private readonly keepDays: number,
  ) {}

  async run(nowMs = Date.now()): Promise<{ metrics: number; patterns: number }> {
    const lockClient = await this.pool.connect();
    try {
      const { rows: lock } = await lockClient.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1)) AS locked`, [MINING_JOB_LOCK]);
      if (!lock[0]?.locked) return { metrics: 0, patterns: 0 };
      try {
        const to = new Date(Math.floor(nowMs / this.alignMs) * this.alignMs);
        const from = new Date(to.getTime() - this.windowMs);
        const { rows } = await this.pool.query<{ metric: string }>(
          `SELECT DISTINCT metric FROM rollups_1m WHERE bucket_start >= $1 AND bucket_start < $2`,
          [from, to],
        );
        // Every metric's per-minute values, loaded once for all the metrics' correlations.
        const bucketSeries = await loadBucketSeries(this.pool, from, to);
        let patterns = 0;
        for (const { metric } of rows) {
          const search = { metric, from, to };
          const found = minePatterns(search, await loadSegmentInputs(this.pool, metric, from, to), bucketSeries);
          await savePatterns(this.pool, metric, from, to, found);
          patterns += found.length;
        }
        await this.pool.query(`DELETE FROM patterns WHERE found_at < now() - make_interval(days => $1)`, [this.keepDays]);
        return { metrics: rows.length, patterns };
      } finally {
        await lockClient.query(`SELECT pg_advisory_unlock(hashtext($1))`, [MINING_JOB_LOCK]);
      }
    } finally {
      lockClient.release();
    }
  }
}
