import type { QueryRunner } from 'typeorm';

/**
 * True when TimescaleDB is usable: the extension is available and can be created (it also needs
 * shared_preload_libraries, so "available" alone is not enough). Decided once, at migration time.
 */
export const detectTimescale = async (queryRunner: QueryRunner): Promise<boolean> => {
  const available: unknown[] = await queryRunner.query(
    `SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb'`,
  );
  if (available.length === 0) return false;
  await queryRunner.query(`SAVEPOINT timescale_probe`);
  try {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS timescaledb`);
    await queryRunner.query(`RELEASE SAVEPOINT timescale_probe`);
    return true;
  } catch (error) {
    // Installed but not preloaded: fall back to native partitioning, and say why.
    await queryRunner.query(`ROLLBACK TO SAVEPOINT timescale_probe`);
    process.stderr.write(`db: timescaledb is installed but unusable (${String(error)}); using native partitioning\n`);
    return false;
  }
};

/** How data_points is stored in this database: 'timescaledb' or 'native-partitions'. */
export const storageMode = async (queryRunner: QueryRunner): Promise<'timescaledb' | 'native-partitions'> => {
  const rows: unknown[] = await queryRunner.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
  return rows.length > 0 ? 'timescaledb' : 'native-partitions';
};
