import type { AnomalyRecord, Severity } from '@telemetry/contracts';
import type { Pool, PoolClient } from 'pg';
import type { Incident, IncidentStatus } from './incident';
import { incidentIdFor } from './incident-id';
import { planIncidentUpdates, type IncidentChange } from './plan-incident-updates';

interface IncidentRow {
  id: string;
  metric: string;
  series: string;
  status: IncidentStatus;
  severity: Severity;
  opened_at: Date;
  last_anomaly_at: Date;
  acknowledged_at: Date | null;
  resolved_at: Date | null;
  anomaly_count: number;
  max_score: number;
}

const INCIDENT_COLUMNS = 'id, metric, series, status, severity, opened_at, last_anomaly_at, acknowledged_at, resolved_at, anomaly_count, max_score';

const toIncident = (row: IncidentRow): Incident => ({
  id: row.id,
  metric: row.metric,
  series: row.series,
  status: row.status,
  severity: row.severity,
  openedAtMs: row.opened_at.getTime(),
  lastAnomalyAtMs: row.last_anomaly_at.getTime(),
  acknowledgedAtMs: row.acknowledged_at?.getTime() ?? null,
  resolvedAtMs: row.resolved_at?.getTime() ?? null,
  anomalyCount: row.anomaly_count,
  maxScore: row.max_score,
});

const toRow = (incident: Incident) => ({
  id: incident.id,
  metric: incident.metric,
  series: incident.series,
  status: incident.status,
  severity: incident.severity,
  opened_at: new Date(incident.openedAtMs).toISOString(),
  last_anomaly_at: new Date(incident.lastAnomalyAtMs).toISOString(),
  acknowledged_at: incident.acknowledgedAtMs === null ? null : new Date(incident.acknowledgedAtMs).toISOString(),
  resolved_at: incident.resolvedAtMs === null ? null : new Date(incident.resolvedAtMs).toISOString(),
  anomaly_count: incident.anomalyCount,
  max_score: incident.maxScore,
});

const RECORDSET_COLUMNS =
  'id uuid, metric text, series text, status text, severity text, opened_at timestamptz, last_anomaly_at timestamptz, acknowledged_at timestamptz, resolved_at timestamptz, anomaly_count int, max_score double precision';

export interface StoredAnomalies {
  /** Anomalies this call stored for the first time (a replay stores none). */
  inserted: AnomalyRecord[];
  incidentChanges: IncidentChange[];
}

/**
 * `anomalies` and `incidents`, written together in one transaction: an anomaly is stored with the
 * incident it joined, or not at all, so a retried batch neither loses nor double-counts one.
 */
export class AnomalyStoreRepository {
  constructor(private readonly pool: Pool) {}

  async store(records: readonly AnomalyRecord[], quietPeriodMs: number): Promise<StoredAnomalies> {
    if (records.length === 0) return { inserted: [], incidentChanges: [] };
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await this.storeIn(client, records, quietPeriodMs);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  private async storeIn(client: PoolClient, records: readonly AnomalyRecord[], quietPeriodMs: number): Promise<StoredAnomalies> {
    const { rows: insertedRows } = await client.query<{ id: string }>(
      `INSERT INTO anomalies (id, metric, series, at, value, expected, score, detector, severity)
       SELECT x.id, x.metric, x.series, x.at, x.value, x.expected, x.score, x.detector, x.severity
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, metric text, series text, at timestamptz, value double precision,
                                                expected double precision, score double precision, detector text, severity text)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [JSON.stringify(records)],
    );
    const insertedIds = new Set(insertedRows.map((row) => row.id));
    const inserted = records.filter((record) => insertedIds.has(record.id));
    if (inserted.length === 0) return { inserted, incidentChanges: [] };

    const bySeries = new Map<string, AnomalyRecord[]>();
    for (const record of inserted) {
      const key = `${record.metric}|${record.series}`;
      const list = bySeries.get(key) ?? [];
      list.push(record);
      bySeries.set(key, list);
    }
    const seriesList = [...bySeries.values()].map((list) => ({ metric: list[0]!.metric, series: list[0]!.series }));
    // FOR UPDATE: another instance (the raw stream of the same series) may be extending the same incident.
    const { rows: activeRows } = await client.query<IncidentRow>(
      `SELECT ${INCIDENT_COLUMNS} FROM incidents
        WHERE status <> 'resolved'
          AND (metric, series) IN (SELECT x.metric, x.series FROM jsonb_to_recordset($1::jsonb) AS x(metric text, series text))
        FOR UPDATE`,
      [JSON.stringify(seriesList)],
    );
    const activeBySeries = new Map(activeRows.map((row) => [`${row.metric}|${row.series}`, toIncident(row)]));

    const changes: IncidentChange[] = [];
    for (const [key, list] of bySeries) {
      const first = list[0]!;
      const planned = planIncidentUpdates(
        activeBySeries.get(key) ?? null,
        list.map((record) => ({ id: record.id, atMs: Date.parse(record.at), score: record.score, severity: record.severity })),
        quietPeriodMs,
        (opening) => incidentIdFor(opening.id),
        { metric: first.metric, series: first.series },
      );
      changes.push(...planned);
    }

    // Existing incidents first: resolving the active one frees the one-active-per-series slot for a new one.
    const updates = changes.filter((change) => !change.opened).map((change) => toRow(change.incident));
    if (updates.length > 0) {
      await client.query(
        `UPDATE incidents AS i
            SET status = x.status, severity = x.severity, last_anomaly_at = x.last_anomaly_at, resolved_at = x.resolved_at,
                anomaly_count = x.anomaly_count, max_score = x.max_score
           FROM jsonb_to_recordset($1::jsonb) AS x(${RECORDSET_COLUMNS})
          WHERE i.id = x.id`,
        [JSON.stringify(updates)],
      );
    }
    const inserts = changes.filter((change) => change.opened).map((change) => toRow(change.incident));
    if (inserts.length > 0) {
      // Resolved ones before the one that stays active, so the partial unique index never sees two active.
      inserts.sort((a, b) => Number(a.status !== 'resolved') - Number(b.status !== 'resolved'));
      await client.query(
        `INSERT INTO incidents (${INCIDENT_COLUMNS}, summary)
         SELECT x.id, x.metric, x.series, x.status, x.severity, x.opened_at, x.last_anomaly_at, x.acknowledged_at, x.resolved_at,
                x.anomaly_count, x.max_score, NULL
           FROM jsonb_to_recordset($1::jsonb) AS x(${RECORDSET_COLUMNS})`,
        [JSON.stringify(inserts)],
      );
    }
    const links = changes.flatMap((change) => change.anomalyIds.map((id) => ({ id, incident_id: change.incident.id })));
    await client.query(
      `UPDATE anomalies AS a SET incident_id = x.incident_id
         FROM jsonb_to_recordset($1::jsonb) AS x(id text, incident_id uuid)
        WHERE a.id = x.id`,
      [JSON.stringify(links)],
    );
    return { inserted, incidentChanges: changes };
  }

  /** Active incidents, oldest activity first, for the quiet-period sweep. */
  async activeIncidents(limit: number): Promise<Incident[]> {
    const { rows } = await this.pool.query<IncidentRow>(
      `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE status <> 'resolved' ORDER BY last_anomaly_at LIMIT $1`,
      [limit],
    );
    return rows.map(toIncident);
  }

  /**
   * Resolves incidents the sweep found quiet; one that received an anomaly since it was read
   * (last_anomaly_at moved) is left active. Returns the incidents actually resolved.
   */
  async resolveQuiet(incidents: readonly Incident[]): Promise<Incident[]> {
    if (incidents.length === 0) return [];
    const { rows } = await this.pool.query<IncidentRow>(
      `UPDATE incidents AS i SET status = 'resolved', resolved_at = x.resolved_at
         FROM jsonb_to_recordset($1::jsonb) AS x(${RECORDSET_COLUMNS})
        WHERE i.id = x.id AND i.status <> 'resolved' AND i.last_anomaly_at = x.last_anomaly_at
        RETURNING i.id, i.metric, i.series, i.status, i.severity, i.opened_at, i.last_anomaly_at, i.acknowledged_at, i.resolved_at,
                  i.anomaly_count, i.max_score`,
      [JSON.stringify(incidents.map(toRow))],
    );
    return rows.map(toIncident);
  }
}
