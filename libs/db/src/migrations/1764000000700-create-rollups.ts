import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Time-bucket rollups per metric and series (series = canonical key of the metric's declared
 * attributes). sketch holds the serialized mergeable quantile sketch, so late data merges into its
 * bucket; p50/p95/p99 are read from it when written. value is a derived metric's formula result.
 */
export class CreateRollups1764000000700 implements MigrationInterface {
  name = 'CreateRollups1764000000700';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE rollups_1m (
        metric        text NOT NULL,
        series        text NOT NULL,
        bucket_start  timestamptz NOT NULL,
        attributes    jsonb NOT NULL DEFAULT '{}'::jsonb,
        count         bigint NOT NULL,
        sum           double precision NOT NULL,
        min           double precision NOT NULL,
        max           double precision NOT NULL,
        sketch        bytea,
        p50           double precision,
        p95           double precision,
        p99           double precision,
        value         double precision,
        updated_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (metric, series, bucket_start)
      );
      CREATE INDEX rollups_1m_metric_bucket ON rollups_1m (metric, bucket_start);
      CREATE TABLE rollups_1h (LIKE rollups_1m INCLUDING ALL);
      CREATE INDEX rollups_1h_metric_bucket_idx ON rollups_1h (metric, bucket_start)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE rollups_1h; DROP TABLE rollups_1m`);
  }
}
