import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Durable bookkeeping of which rollup buckets were published to metrics.rollup.v1: published_at
 * holds the updated_at that was published, so a bucket is due when closed and
 * published_at IS DISTINCT FROM updated_at (never published, or changed by late data since).
 * Kept in the row, not in memory, so a processor killed between its database commit and the
 * publication still publishes after a restart. The updated_at index lets the hourly job find the
 * 1-minute buckets changed since its last run.
 */
export class AddRollupPublication1795580822215 implements MigrationInterface {
  name = 'AddRollupPublication1795580822215';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE rollups_1m ADD COLUMN published_at timestamptz;
      ALTER TABLE rollups_1h ADD COLUMN published_at timestamptz;
      CREATE INDEX rollups_1m_unpublished ON rollups_1m (bucket_start) WHERE published_at IS DISTINCT FROM updated_at;
      CREATE INDEX rollups_1m_updated_at ON rollups_1m (updated_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP INDEX rollups_1m_updated_at;
      DROP INDEX rollups_1m_unpublished;
      ALTER TABLE rollups_1h DROP COLUMN published_at;
      ALTER TABLE rollups_1m DROP COLUMN published_at`);
  }
}
