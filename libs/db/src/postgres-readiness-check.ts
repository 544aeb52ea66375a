import type { Pool } from 'pg';

/** /readyz: PostgreSQL answers a trivial query. */
export const postgresReadinessCheck = (pool: Pool) => ({
  name: 'postgres',
  check: async () => {
    await pool.query('SELECT 1');
  },
});
