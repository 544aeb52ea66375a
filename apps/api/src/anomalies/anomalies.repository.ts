import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { PG_POOL } from '../core/api-deps';
import { cursorTimeSql, type CursorPosition } from '../graphql/relay-cursor';
import type { Anomaly } from './anomaly.model';

export interface AnomalyRow {
  id: string;
  metric: string;
  series: string;
  at: Date;
  value: number;
  expected: number | null;
  score: number;
  detector: string;
  severity: string;
  incident_id: string | null;
  cursor_at: string;
}

export interface AnomalyFilter {
  readonly metric: string | null;
  readonly fromMs: number | null;
  readonly toMs: number | null;
}

export const toAnomaly = (row: AnomalyRow): Anomaly => ({
  id: row.id,
  metric: row.metric,
  series: row.series,
  at: row.at,
  value: row.value,
  expected: row.expected,
  score: row.score,
  detector: row.detector,
  severity: row.severity,
  incidentId: row.incident_id,
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

@Injectable()
export class AnomaliesRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Newest first, [from, to); `limit` is first + 1, so the caller learns whether a next page exists. */
  async page(filter: AnomalyFilter, after: CursorPosition | null, limit: number): Promise<AnomalyRow[]> {
    const { rows } = await this.pool.query<AnomalyRow>(
      `SELECT id, metric, series, at, value, expected, score, detector, severity, incident_id::text AS incident_id,
              ${cursorTimeSql('at')} AS cursor_at
       FROM anomalies
       WHERE ($1::text IS NULL OR metric = $1)
         AND ($2::timestamptz IS NULL OR at >= $2::timestamptz)
         AND ($3::timestamptz IS NULL OR at < $3::timestamptz)
         AND ($4::timestamptz IS NULL OR (at, id) < ($4::timestamptz, $5::text))
       ORDER BY at DESC, id DESC
       LIMIT $6`,
      [filter.metric, iso(filter.fromMs), iso(filter.toMs), after?.at ?? null, after?.id ?? null, limit],
    );
    return rows;
  }
}
