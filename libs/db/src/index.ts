/**
 * libs/db — PostgreSQL: the TypeORM data source and entities for admin tables, a pg pool for hot
 * paths, the migrations (raw SQL, one change each) and TimescaleDB detection.
 */
export * from './create-data-source';
export * from './create-pool';
export * from './migrate-database';
export * from './detect-timescale';
export * from './erasure-fence';
export * from './entities';
export { MIGRATIONS } from './migrations';
export * from './postgres-readiness-check';
export * from './patterns';
