import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reference data sets joined onto events (e.g. dataset 'devices': device id → model, region, firmware). */
export class CreateReferenceData1764000000900 implements MigrationInterface {
  name = 'CreateReferenceData1764000000900';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE reference_data (
        dataset     text NOT NULL,
        key         text NOT NULL,
        attributes  jsonb NOT NULL,
        loaded_at   timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (dataset, key)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE reference_data`);
  }
}
