import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@telemetry/test-support';
import { createPool } from '../src/create-pool';

describe('createPool', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await database?.drop();
  });

  const terminateIdle = (applicationName: string) =>
    // This test's database only: other runs may use the same application names at the same time.
    database.pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND state = 'idle'`,
      [applicationName],
    );

  it('survives an idle connection the server ends, tells onConnectionLost, and connects afresh for the next query', async () => {
    const lost: Error[] = [];
    const pool = createPool(database.config, { application_name: 'pool-lost-reported' }, (error) => lost.push(error));
    try {
      await pool.query('SELECT 1');
      expect((await terminateIdle('pool-lost-reported')).rowCount).toBe(1);
      await expect.poll(() => lost.length, { timeout: 5_000 }).toBe(1);
      expect(lost[0]?.message).toMatch(/terminating connection/);
      expect((await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });

  it('ignores it when no one listens, instead of ending the process with an unhandled error event', async () => {
    const pool = createPool(database.config, { application_name: 'pool-lost-ignored' });
    try {
      await pool.query('SELECT 1');
      expect((await terminateIdle('pool-lost-ignored')).rowCount).toBe(1);
      // The pool has heard the error once it dropped the client (its listener ran, nothing threw).
      await expect.poll(() => pool.totalCount, { timeout: 5_000 }).toBe(0);
      expect(pool.listenerCount('error')).toBe(1);
      expect((await pool.query<{ ok: number }>('SELECT 1 AS ok')).rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });
});
