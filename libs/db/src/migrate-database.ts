import { Client } from 'pg';
import { createDataSource, sslOptions, type DatabaseConnectionConfig } from './create-data-source';
import { storageMode } from './detect-timescale';

export interface MigrationReport {
  created: boolean;
  applied: string[];
  storage: 'timescaledb' | 'native-partitions';
}

/** Creates the database named in DATABASE_URL when it does not exist (connecting to "postgres"). */
export const ensureDatabase = async (config: DatabaseConnectionConfig): Promise<boolean> => {
  const url = new URL(config.DATABASE_URL);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`DATABASE_URL: unsupported database name "${name}"`);
  url.pathname = '/postgres';
  const client = new Client({ connectionString: url.toString(), ssl: sslOptions(config) });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount) return false;
    await client.query(`CREATE DATABASE "${name}"`);
    return true;
  } finally {
    await client.end();
  }
};

/** Runs every pending migration, each in its own transaction. Running it again is harmless. */
export const migrateDatabase = async (config: DatabaseConnectionConfig): Promise<MigrationReport> => {
  const created = await ensureDatabase(config);
  const dataSource = createDataSource(config);
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const runner = dataSource.createQueryRunner();
    try {
      return { created, applied: applied.map((migration) => migration.name), storage: await storageMode(runner) };
    } finally {
      await runner.release();
    }
  } finally {
    await dataSource.destroy();
  }
};
