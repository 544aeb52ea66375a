import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@telemetry/test-support';
import { migrateDatabase } from '../src';

describe('migrations on a fresh PostgreSQL database', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('migrates up, and a second run applies nothing and changes nothing', async () => {
    const first = await migrateDatabase(db.config);
    expect(first.applied.length).toBeGreaterThanOrEqual(12);
    expect(first.storage).toBe('native-partitions');
    const second = await migrateDatabase(db.config);
    expect(second.applied).toEqual([]);
    const tables = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    const names = tables.rows.map((r) => r.table_name);
    for (const table of ['data_points', 'sources', 'metric_definitions', 'consents', 'erasure_requests', 'audit_log', 'rollups_1m', 'rollups_1h', 'anomalies', 'incidents', 'detector_state', 'patterns']) {
      expect(names).toContain(table);
    }
  });

  it('stores data_points in daily range partitions, with a default partition for far-off times', async () => {
    const partitions = await db.pool.query<{ name: string; bound: string }>(`
      SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'data_points'::regclass`);
    const today = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    expect(partitions.rows.map((p) => p.name)).toContain(`data_points_p${today}`);
    expect(partitions.rows.find((p) => p.name === 'data_points_default')?.bound).toBe('DEFAULT');
    const kind = await db.pool.query<{ partstrat: string }>(
      `SELECT partstrat FROM pg_partitioned_table WHERE partrelid = 'data_points'::regclass`,
    );
    expect(kind.rows[0]?.partstrat).toBe('r');
  });

  it('routes rows to their day and refuses the same event twice', async () => {
    const now = new Date();
    const insert = `INSERT INTO data_points (time, metric, value, source_id, event_id, received_at)
                    VALUES ($1, 'checkout.latency', 1, 'src', $2, now()) ON CONFLICT DO NOTHING`;
    const first = await db.pool.query(insert, [now, 'event-1']);
    const replay = await db.pool.query(insert, [now, 'event-1']);
    expect(first.rowCount).toBe(1);
    expect(replay.rowCount).toBe(0);
    const where = await db.pool.query<{ partition: string }>(
      `SELECT tableoid::regclass::text AS partition FROM data_points WHERE event_id = 'event-1'`,
    );
    expect(where.rows[0]?.partition).toBe(`data_points_p${now.toISOString().slice(0, 10).replace(/-/g, '')}`);
  });

  it('moves rows out of the default partition when their day gets a partition later', async () => {
    const farFuture = new Date(Date.now() + 20 * 86_400_000);
    await db.pool.query(
      `INSERT INTO data_points (time, metric, value, source_id, event_id, received_at) VALUES ($1, 'm', 2, 'src', 'future-1', now())`,
      [farFuture],
    );
    const created = await db.pool.query<{ created: number }>(`SELECT telemetry_ensure_partitions(0, 25) AS created`);
    expect(created.rows[0]?.created).toBeGreaterThan(0);
    const where = await db.pool.query<{ partition: string }>(
      `SELECT tableoid::regclass::text AS partition FROM data_points WHERE event_id = 'future-1'`,
    );
    expect(where.rows[0]?.partition).toBe(`data_points_p${farFuture.toISOString().slice(0, 10).replace(/-/g, '')}`);
  });
});
