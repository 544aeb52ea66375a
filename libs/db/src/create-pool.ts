import { Pool, type PoolConfig } from 'pg';
import { sslOptions, type DatabaseConnectionConfig } from './create-data-source';

/**
 * A plain pg pool for the hot paths (COPY, batched upserts), where an ORM adds cost and nothing
 * else. Admin tables go through TypeORM entities. `overrides` lets a service add its own connection
 * settings (e.g. `options: '-c name=value'` for its sessions).
 */
export const createPool = (config: DatabaseConnectionConfig, overrides: Omit<PoolConfig, 'connectionString' | 'ssl'> = {}): Pool =>
  new Pool({
    connectionString: config.DATABASE_URL,
    ssl: sslOptions(config),
    max: config.DATABASE_POOL_SIZE,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    ...overrides,
  });
