import { Pool, type PoolConfig } from 'pg';
import { sslOptions, type DatabaseConnectionConfig } from './create-data-source';

/**
 * A plain pg pool for the hot paths (COPY, batched upserts), where an ORM adds cost and nothing
 * else. Admin tables go through TypeORM entities. `overrides` lets a service add its own connection
 * settings (e.g. `options: '-c name=value'` for its sessions).
 *
 * An idle client whose connection the server ends (a restart, a failover, a terminated backend)
 * makes the pool emit 'error'. The pool just drops that client and the next query connects afresh,
 * but an 'error' event nobody listens to ends the process. So the pool always has a listener:
 * onConnectionLost (a service logs it there), or one that ignores the error.
 */
export const createPool = (
  config: DatabaseConnectionConfig,
  overrides: Omit<PoolConfig, 'connectionString' | 'ssl'> = {},
  onConnectionLost: (error: Error) => void = () => undefined,
): Pool => {
  const pool = new Pool({
    connectionString: config.DATABASE_URL,
    ssl: sslOptions(config),
    max: config.DATABASE_POOL_SIZE,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    ...overrides,
  });
  pool.on('error', onConnectionLost);
  return pool;
};
