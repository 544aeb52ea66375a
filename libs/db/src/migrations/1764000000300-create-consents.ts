import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Consent per pseudonymous subject (never the raw id): {purpose: granted}. Mirrors the compacted consent.v1 topic. */
export class CreateConsents1764000000300 implements MigrationInterface {
  name = 'CreateConsents1764000000300';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE consents (
        subject     text PRIMARY KEY,
        purposes    jsonb NOT NULL,
        updated_at  timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE consents`);
  }
}
