import { Inject, Injectable } from '@nestjs/common';
import { recordAudit, withTransaction } from '@telemetry/admin';
import type { Pool } from 'pg';
import { PG_POOL } from '../core/api-deps';
import { badUserInput, notFound } from '../errors/api-error';
import { cursorTimeSql, type CursorPosition } from '../graphql/relay-cursor';
import { IncidentStatus, type Incident } from './incident.model';

export interface IncidentRow {
  id: string;
  metric: string;
  series: string;
  status: string;
  severity: string;
  opened_at: Date;
  last_anomaly_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  anomaly_count: number;
  max_score: number;
  summary: string | null;
  cursor_at: string;
}

const COLUMNS = `id::text AS id, metric, series, status, severity, opened_at, last_anomaly_at, acknowledged_at, resolved_at,
  anomaly_count, max_score, summary, ${cursorTimeSql('opened_at')} AS cursor_at`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const toStatus = (status: string): IncidentStatus => {
  switch (status) {
    case 'open':
      return IncidentStatus.OPEN;
    case 'acknowledged':
      return IncidentStatus.ACKNOWLEDGED;
    case 'resolved':
      return IncidentStatus.RESOLVED;
    default:
      throw new Error(`incidents holds an unknown status ${JSON.stringify(status)}`);
  }
};

export const toIncident = (row: IncidentRow): Incident => ({
  id: row.id,
  metric: row.metric,
  series: row.series,
  status: toStatus(row.status),
  severity: row.severity,
  openedAt: row.opened_at,
  lastAnomalyAt: row.last_anomaly_at,
  acknowledgedAt: row.acknowledged_at,
  resolvedAt: row.resolved_at,
  anomalyCount: row.anomaly_count,
  maxScore: row.max_score,
  summary: row.summary,
});

type Transition = 'acknowledge' | 'resolve';

@Injectable()
export class IncidentsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  /** Newest first; `limit` is first + 1, so the caller learns whether a next page exists. */
  async page(status: IncidentStatus | null, after: CursorPosition | null, limit: number): Promise<IncidentRow[]> {
    const { rows } = await this.pool.query<IncidentRow>(
      `SELECT ${COLUMNS} FROM incidents
       WHERE ($1::text IS NULL OR status = $1)
         AND ($2::timestamptz IS NULL OR (opened_at, id) < ($2::timestamptz, $3::uuid))
       ORDER BY opened_at DESC, id DESC
       LIMIT $4`,
      [status, after?.at ?? null, after && UUID.test(after.id) ? after.id : null, limit],
    );
    return rows;
  }

  /** DataLoader batch: one query for every incident a page of anomalies points at. */
  async byIds(ids: readonly string[]): Promise<IncidentRow[]> {
    const valid = ids.filter((id) => UUID.test(id));
    if (valid.length === 0) return [];
    const { rows } = await this.pool.query<IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE id = ANY($1::uuid[])`, [valid]);
    return rows;
  }

  /** The incident each anomaly joined (anomalies.incident_id), for anomalies known only by id. */
  async incidentIdsOfAnomalies(anomalyIds: readonly string[]): Promise<Map<string, string>> {
    const { rows } = await this.pool.query<{ id: string; incident_id: string }>(
      `SELECT id, incident_id::text AS incident_id FROM anomalies WHERE id = ANY($1::text[]) AND incident_id IS NOT NULL`,
      [anomalyIds],
    );
    return new Map(rows.map((row) => [row.id, row.incident_id]));
  }

  /**
   * open → acknowledged, and open/acknowledged → resolved, with the audit row in the same
   * transaction. Repeating a transition is a no-op that still answers the incident (clients retry);
   * acknowledging a resolved incident is refused.
   */
  async transition(id: string, transition: Transition, actor: string): Promise<Incident> {
    if (!UUID.test(id)) throw notFound(`incident ${JSON.stringify(id.slice(0, 64))} does not exist`, { id });
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<IncidentRow>(`SELECT ${COLUMNS} FROM incidents WHERE id = $1::uuid FOR UPDATE`, [id]);
      const current = rows[0];
      if (current === undefined) throw notFound(`incident ${id} does not exist`, { id });
      const target = transition === 'acknowledge' ? 'acknowledged' : 'resolved';
      if (transition === 'acknowledge' && current.status === 'resolved') {
        throw badUserInput(`incident ${id} is resolved; it can no longer be acknowledged`, { id, status: current.status });
      }
      let updated = current;
      if (current.status !== target) {
        const set = transition === 'acknowledge' ? `status = 'acknowledged', acknowledged_at = now()` : `status = 'resolved', resolved_at = now()`;
        const result = await client.query<IncidentRow>(`UPDATE incidents SET ${set} WHERE id = $1::uuid RETURNING ${COLUMNS}`, [id]);
        updated = result.rows[0] as IncidentRow;
      }
      await recordAudit(client, {
        actor,
        action: `incident.${transition}`,
        target: id,
        details: { from: current.status, to: updated.status, metric: current.metric, series: current.series },
      });
      return toIncident(updated);
    });
  }
}
