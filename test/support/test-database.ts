import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import { migrateDatabase, type DatabaseConnectionConfig } from '@telemetry/db';

export const POSTGRES_ADMIN_URL = process.env['TEST_POSTGRES_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  name: string;
  url: string;
  config: DatabaseConnectionConfig;
  pool: Pool;
  drop: () => Promise<void>;
}

const urlFor = (name: string) => {
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return url.toString();
};

/**
 * A fresh database per test file (`telemetry_test_<random>`), migrated with the real migrations,
 * dropped by `drop()` (call it in afterAll).
 */
export const createTestDatabase = async (options: { migrate?: boolean } = {}): Promise<TestDatabase> => {
  const name = `telemetry_test_${randomBytes(6).toString('hex')}`;
  const url = urlFor(name);
  const config: DatabaseConnectionConfig = { DATABASE_URL: url, DATABASE_SSL: false, DATABASE_POOL_SIZE: 5 };
  if (options.migrate ?? true) {
    await migrateDatabase(config);
  } else {
    await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  }
  const pool = new Pool({ connectionString: url, max: 5 });
  return {
    name,
    url,
    config,
    pool,
    drop: async () => {
      // pool.end() resolves before every client has closed; the forced drop below then terminates the
      // stragglers, whose "terminating connection" error would otherwise be unhandled and end the process.
      pool.on('error', () => undefined);
      await pool.end();
      await withAdminClient((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
};

const withAdminClient = async <T>(work: (client: Client) => Promise<T>): Promise<T> => {
  const client = new Client({ connectionString: POSTGRES_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
};
