import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The processor looks up every stored batch's subjects in erasure_requests (events acknowledged
 * before an erasure but stored after it are dropped): an index by subject keeps that one indexed
 * probe per subject however many requests accumulate, and it serves requestErasure's own lookups.
 */
export class IndexErasureRequestsSubject1795590000000 implements MigrationInterface {
  name = 'IndexErasureRequestsSubject1795590000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX erasure_requests_subject ON erasure_requests (subject, requested_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX erasure_requests_subject`);
  }
}
