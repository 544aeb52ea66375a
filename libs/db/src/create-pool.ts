import { Pool } from 'pg';
import { sslOptions, type DatabaseConnectionConfig } from './create-data-source';

/**
 * A plain pg pool for the hot paths (COPY, batched upserts), where an ORM adds cost and nothing
 * else. Admin tables go through TypeORM entities.
 */
export const createPool = (config: DatabaseConnectionConfig): Pool =>
  new Pool({
    connectionString: config.DATABASE_URL,
    ssl: sslOptions(config),
    max: config.DATABASE_POOL_SIZE,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
  });
