import type { MigrationInterface, QueryRunner } from 'typeorm';

/** GDPR art. 17 requests, by pseudonymous subject; deleted_rows records counts per table on completion. */
export class CreateErasureRequests1764000000400 implements MigrationInterface {
  name = 'CreateErasureRequests1764000000400';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE erasure_requests (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subject       text NOT NULL,
        status        text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
        requested_at  timestamptz NOT NULL DEFAULT now(),
        completed_at  timestamptz,
        deleted_rows  jsonb
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE erasure_requests`);
  }
}
