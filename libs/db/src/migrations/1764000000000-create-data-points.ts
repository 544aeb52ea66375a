import type { MigrationInterface, QueryRunner } from 'typeorm';
import { detectTimescale } from '../detect-timescale';

/**
 * data_points: one row per stored event, unique per (event_id, time) so a replayed batch stores
 * nothing twice. A TimescaleDB hypertable when the extension can be created; otherwise a table
 * range-partitioned by day, with a DEFAULT partition so no timestamp is ever refused, and
 * telemetry_ensure_partitions() to create daily partitions ahead of time.
 */
export class CreateDataPoints1764000000000 implements MigrationInterface {
  name = 'CreateDataPoints1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const columns = `
      time        timestamptz      NOT NULL,
      metric      text             NOT NULL,
      value       double precision NOT NULL,
      subject     text,
      source_id   text             NOT NULL,
      attributes  jsonb            NOT NULL DEFAULT '{}'::jsonb,
      event_id    text             NOT NULL,
      received_at timestamptz      NOT NULL,
      stored_at   timestamptz      NOT NULL DEFAULT clock_timestamp()`;

    if (await detectTimescale(queryRunner)) {
      await queryRunner.query(`CREATE TABLE data_points (${columns})`);
      await queryRunner.query(
        `SELECT create_hypertable('data_points', 'time', chunk_time_interval => interval '1 day')`,
      );
      await queryRunner.query(`CREATE UNIQUE INDEX data_points_event_id_time ON data_points (event_id, time)`);
    } else {
      await queryRunner.query(`CREATE TABLE data_points (${columns}) PARTITION BY RANGE (time)`);
      await queryRunner.query(`CREATE UNIQUE INDEX data_points_event_id_time ON data_points (event_id, time)`);
      await queryRunner.query(`CREATE TABLE data_points_default PARTITION OF data_points DEFAULT`);
      await queryRunner.query(ENSURE_PARTITIONS_FUNCTION);
      await queryRunner.query(`SELECT telemetry_ensure_partitions(3, 7)`);
    }
    await queryRunner.query(`CREATE INDEX data_points_metric_time ON data_points (metric, time DESC)`);
    await queryRunner.query(`CREATE INDEX data_points_subject ON data_points (subject) WHERE subject IS NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS data_points CASCADE`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS telemetry_ensure_partitions(int, int)`);
  }
}

/**
 * Creates the missing daily partitions (UTC days) from days_back ago to days_ahead ahead. Rows that
 * already landed in the DEFAULT partition for such a day are moved into it first, because
 * PostgreSQL refuses to attach a partition whose range the default partition still holds.
 */
const ENSURE_PARTITIONS_FUNCTION = `
CREATE OR REPLACE FUNCTION telemetry_ensure_partitions(days_back int DEFAULT 3, days_ahead int DEFAULT 7)
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
  day date;
  partition_name text;
  range_start timestamptz;
  range_end timestamptz;
  created int := 0;
BEGIN
  FOR day IN
    SELECT generate_series((now() AT TIME ZONE 'UTC')::date - days_back,
                           (now() AT TIME ZONE 'UTC')::date + days_ahead, interval '1 day')::date
  LOOP
    partition_name := 'data_points_p' || to_char(day, 'YYYYMMDD');
    IF to_regclass(partition_name) IS NULL THEN
      range_start := day::timestamp AT TIME ZONE 'UTC';
      range_end := (day + 1)::timestamp AT TIME ZONE 'UTC';
      EXECUTE format('CREATE TABLE %I (LIKE data_points INCLUDING DEFAULTS)', partition_name);
      EXECUTE format(
        'WITH moved AS (DELETE FROM data_points_default WHERE time >= %L AND time < %L RETURNING *) '
        'INSERT INTO %I SELECT * FROM moved', range_start, range_end, partition_name);
      EXECUTE format('ALTER TABLE data_points ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                     partition_name, range_start, range_end);
      created := created + 1;
    END IF;
  END LOOP;
  RETURN created;
END $$`;
