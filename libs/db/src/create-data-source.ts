import { readFileSync } from 'node:fs';
import { DataSource } from 'typeorm';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';

export interface DatabaseConnectionConfig {
  DATABASE_URL: string;
  DATABASE_SSL: boolean;
  DATABASE_SSL_CA_FILE?: string;
  DATABASE_POOL_SIZE: number;
}

export const sslOptions = (config: DatabaseConnectionConfig) =>
  config.DATABASE_SSL
    ? config.DATABASE_SSL_CA_FILE
      ? { ca: readFileSync(config.DATABASE_SSL_CA_FILE, 'utf8'), rejectUnauthorized: true }
      : { rejectUnauthorized: true }
    : false;

/** The TypeORM data source: entities for the admin tables, the migrations; never synchronize. */
export const createDataSource = (config: DatabaseConnectionConfig): DataSource =>
  new DataSource({
    type: 'postgres',
    url: config.DATABASE_URL,
    ssl: sslOptions(config),
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    extra: { max: config.DATABASE_POOL_SIZE },
  });
