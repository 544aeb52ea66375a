import type { MetricDefinition } from '@telemetry/contracts';
import type { Pool } from 'pg';

const DAY_MS = 86_400_000;

export interface RetentionResult {
  partitionsCreated: number;
  rowsDeleted: number;
  partitionsDropped: string[];
}

/**
 * Raw-data retention (rollups are kept): daily partitions are created ahead of time, each metric's
 * rows older than its retentionDays (or the default) are deleted, and whole daily partitions older
 * than the longest retention are dropped, which costs nothing compared with deleting their rows.
 * On TimescaleDB, old chunks are dropped with drop_chunks instead.
 */
export class RetentionJob {
  constructor(
    private readonly pool: Pool,
    private readonly defaultRetentionDays: number,
  ) {}

  async run(definitions: readonly MetricDefinition[], nowMs = Date.now()): Promise<RetentionResult> {
    const { rows: mode } = await this.pool.query<{ timescale: boolean; partitioned: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') AS timescale,
              to_regproc('telemetry_ensure_partitions') IS NOT NULL AS partitioned`,
    );
    const timescale = mode[0]?.timescale ?? false;
    let partitionsCreated = 0;
    if (!timescale && mode[0]?.partitioned) {
      const { rows } = await this.pool.query<{ created: number }>(`SELECT telemetry_ensure_partitions() AS created`);
      partitionsCreated = rows[0]?.created ?? 0;
    }

    const retention = new Map(definitions.map((d) => [d.name, d.retentionDays ?? this.defaultRetentionDays]));
    let rowsDeleted = 0;
    const byDays = new Map<number, string[]>();
    for (const [metric, days] of retention) byDays.set(days, [...(byDays.get(days) ?? []), metric]);
    for (const [days, metrics] of byDays) {
      const result = await this.pool.query(`DELETE FROM data_points WHERE metric = ANY($1::text[]) AND time < $2`, [
        metrics,
        new Date(nowMs - days * DAY_MS),
      ]);
      rowsDeleted += result.rowCount ?? 0;
    }
    // Metrics the catalog no longer knows keep the default retention.
    const unknown = await this.pool.query(`DELETE FROM data_points WHERE NOT (metric = ANY($1::text[])) AND time < $2`, [
      [...retention.keys()],
      new Date(nowMs - this.defaultRetentionDays * DAY_MS),
    ]);
    rowsDeleted += unknown.rowCount ?? 0;

    const longestDays = Math.max(this.defaultRetentionDays, ...retention.values());
    const cutoff = new Date(nowMs - longestDays * DAY_MS);
    const partitionsDropped: string[] = [];
    if (timescale) {
      await this.pool.query(`SELECT drop_chunks('data_points', older_than => $1::timestamptz)`, [cutoff]);
    } else {
      const { rows } = await this.pool.query<{ name: string }>(
        `SELECT c.relname AS name
           FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
          WHERE p.relname = 'data_points' AND c.relname ~ '^data_points_p[0-9]{8}$'`,
      );
      for (const { name } of rows) {
        const day = name.slice('data_points_p'.length);
        const dayEndMs = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8))) + DAY_MS;
        if (dayEndMs <= cutoff.getTime()) {
          await this.pool.query(`DROP TABLE ${name}`);
          partitionsDropped.push(name);
        }
      }
    }
    return { partitionsCreated, rowsDeleted, partitionsDropped };
  }
}
