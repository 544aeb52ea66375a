import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Sources that may send telemetry. Only a slow hash of each API key's secret is stored (key_hash). */
export class CreateSources1764000000100 implements MigrationInterface {
  name = 'CreateSources1764000000100';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sources (
        id          text PRIMARY KEY,
        name        text NOT NULL UNIQUE,
        key_id      text NOT NULL UNIQUE,
        key_hash    text NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sources`);
  }
}
