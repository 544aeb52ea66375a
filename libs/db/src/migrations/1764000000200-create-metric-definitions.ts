import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The metric catalog: one row per metric, the validated definition as jsonb (contracts' MetricDefinition). */
export class CreateMetricDefinitions1764000000200 implements MigrationInterface {
  name = 'CreateMetricDefinitions1764000000200';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE metric_definitions (
        name        text PRIMARY KEY,
        definition  jsonb NOT NULL,
        version     integer NOT NULL DEFAULT 1,
        updated_at  timestamptz NOT NULL DEFAULT now(),
        retired_at  timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE metric_definitions`);
  }
}
