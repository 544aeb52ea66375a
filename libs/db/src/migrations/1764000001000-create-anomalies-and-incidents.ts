import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Detected anomalies (as on anomalies.v1) and the incidents that group consecutive anomalies of one series. */
export class CreateAnomaliesAndIncidents1764000001000 implements MigrationInterface {
  name = 'CreateAnomaliesAndIncidents1764000001000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE incidents (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        metric           text NOT NULL,
        series           text NOT NULL,
        status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
        severity         text NOT NULL,
        opened_at        timestamptz NOT NULL,
        last_anomaly_at  timestamptz NOT NULL,
        acknowledged_at  timestamptz,
        resolved_at      timestamptz,
        anomaly_count    integer NOT NULL DEFAULT 0,
        max_score        double precision NOT NULL DEFAULT 0,
        summary          text
      );
      CREATE INDEX incidents_status_opened ON incidents (status, opened_at DESC);
      CREATE UNIQUE INDEX incidents_one_active_per_series ON incidents (metric, series) WHERE status <> 'resolved';
      CREATE TABLE anomalies (
        id           text PRIMARY KEY,
        metric       text NOT NULL,
        series       text NOT NULL,
        at           timestamptz NOT NULL,
        value        double precision NOT NULL,
        expected     double precision,
        score        double precision NOT NULL,
        detector     text NOT NULL,
        severity     text NOT NULL,
        incident_id  uuid REFERENCES incidents (id),
        created_at   timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX anomalies_metric_at ON anomalies (metric, at DESC);
      CREATE INDEX anomalies_at ON anomalies (at DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE anomalies; DROP TABLE incidents`);
  }
}
