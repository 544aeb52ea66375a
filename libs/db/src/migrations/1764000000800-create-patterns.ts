import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Mined patterns: deviating attribute segments (subject = the segment) and correlated metrics (subject = the other metric). */
export class CreatePatterns1764000000800 implements MigrationInterface {
  name = 'CreatePatterns1764000000800';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE patterns (
        id          bigserial PRIMARY KEY,
        metric      text NOT NULL,
        kind        text NOT NULL CHECK (kind IN ('segment', 'correlation')),
        range_from  timestamptz NOT NULL,
        range_to    timestamptz NOT NULL,
        subject     jsonb NOT NULL,
        strength    double precision NOT NULL,
        support     bigint NOT NULL,
        details     jsonb NOT NULL DEFAULT '{}'::jsonb,
        found_at    timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX patterns_metric_found ON patterns (metric, found_at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE patterns`);
  }
}
