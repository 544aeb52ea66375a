import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Anomaly-detector checkpoints per series, with the Kafka partition that owns the series, so a restart or rebalance resumes. */
export class CreateDetectorState1764000001100 implements MigrationInterface {
  name = 'CreateDetectorState1764000001100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE detector_state (
        metric      text NOT NULL,
        series      text NOT NULL,
        partition   integer NOT NULL,
        state       jsonb NOT NULL,
        last_at     timestamptz,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (metric, series)
      );
      CREATE INDEX detector_state_partition ON detector_state (partition)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE detector_state`);
  }
}
