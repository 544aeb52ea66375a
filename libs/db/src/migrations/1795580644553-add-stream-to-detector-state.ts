import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A series can be scored from two streams (1-minute rollups and, for high-resolution metrics, raw
 * points), each with its own detector and owned through a different topic's partitions: the stream
 * joins the key, and checkpoints are loaded per (stream, partition) on every rebalance.
 */
export class AddStreamToDetectorState1795580644553 implements MigrationInterface {
  name = 'AddStreamToDetectorState1795580644553';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE detector_state ADD COLUMN stream text NOT NULL DEFAULT 'rollup' CHECK (stream IN ('rollup', 'raw'));
      ALTER TABLE detector_state DROP CONSTRAINT detector_state_pkey;
      ALTER TABLE detector_state ADD PRIMARY KEY (metric, series, stream);
      DROP INDEX detector_state_partition;
      CREATE INDEX detector_state_stream_partition ON detector_state (stream, partition)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DELETE FROM detector_state WHERE stream <> 'rollup';
      DROP INDEX detector_state_stream_partition;
      ALTER TABLE detector_state DROP CONSTRAINT detector_state_pkey;
      ALTER TABLE detector_state ADD PRIMARY KEY (metric, series);
      ALTER TABLE detector_state DROP COLUMN stream;
      CREATE INDEX detector_state_partition ON detector_state (partition)`);
  }
}
