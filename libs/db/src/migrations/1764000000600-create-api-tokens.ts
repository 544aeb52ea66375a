import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Bearer tokens of the GraphQL API (viewer, admin); only a hash is stored. */
export class CreateApiTokens1764000000600 implements MigrationInterface {
  name = 'CreateApiTokens1764000000600';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_tokens (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name        text NOT NULL,
        role        text NOT NULL CHECK (role IN ('viewer', 'admin')),
        token_hash  text NOT NULL UNIQUE,
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE api_tokens`);
  }
}
