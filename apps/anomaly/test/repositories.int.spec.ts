import type { AnomalyRecord } from '@telemetry/contracts';
import { createTestDatabase, type TestDatabase } from '@telemetry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anomalyId } from '../src/detection/build-anomaly';
import { DetectorStateRepository } from '../src/detection/detector-state.repository';
import { AnomalyStoreRepository } from '../src/incidents/anomaly-store.repository';

const MINUTE_MS = 60_000;
const QUIET_MS = 15 * MINUTE_MS;
const BASE_MS = Date.parse('2026-05-01T00:00:00.000Z');

const anomaly = (series: string, minute: number, score = 0.7, detector = 'spike'): AnomalyRecord => ({
  id: anomalyId('svc.latency', series, BASE_MS + minute * MINUTE_MS, detector),
  metric: 'svc.latency',
  series,
  at: new Date(BASE_MS + minute * MINUTE_MS).toISOString(),
  value: 10,
  expected: 1,
  score,
  detector,
  severity: score >= 0.85 ? 'critical' : 'warning',
});

describe('anomaly and incident storage in PostgreSQL', () => {
  let db: TestDatabase;
  let store: AnomalyStoreRepository;
  let states: DetectorStateRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    store = new AnomalyStoreRepository(db.pool);
    states = new DetectorStateRepository(db.pool);
  });

  afterAll(async () => {
    await db?.drop();
  });

  const incidentsOf = async (series: string) =>
    (
      await db.pool.query<{ id: string; status: string; anomaly_count: number; max_score: number; severity: string; resolved_at: Date | null }>(
        `SELECT id, status, anomaly_count, max_score, severity, resolved_at FROM incidents WHERE series = $1 ORDER BY opened_at`,
        [series],
      )
    ).rows;

  it('stores anomalies once, grouped into one incident, even when the batch is replayed', async () => {
    const batch = [anomaly('a', 1), anomaly('a', 2, 0.9), anomaly('a', 2, 1, 'static')];
    const first = await store.store(batch, QUIET_MS);
    expect(first.inserted).toHaveLength(3);
    expect(first.incidentChanges.map((change) => change.opened)).toEqual([true]);
    const replay = await store.store(batch, QUIET_MS);
    expect(replay).toEqual({ inserted: [], incidentChanges: [] });

    const incidents = await incidentsOf('a');
    expect(incidents).toEqual([expect.objectContaining({ status: 'open', anomaly_count: 3, max_score: 1, severity: 'critical' })]);
    const { rows } = await db.pool.query<{ incident_id: string }>(`SELECT DISTINCT incident_id FROM anomalies WHERE series = 'a'`);
    expect(rows).toEqual([{ incident_id: incidents[0]!.id }]);
  });

  it('resolves the active incident after a quiet gap and opens the next, within one transaction', async () => {
    await store.store([anomaly('b', 0)], QUIET_MS);
    const result = await store.store([anomaly('b', 5), anomaly('b', 60), anomaly('b', 61)], QUIET_MS);
    expect(result.incidentChanges.map((change) => [change.opened, change.resolved, change.incident.status])).toEqual([
      [false, true, 'resolved'],
      [true, false, 'open'],
    ]);
    const incidents = await incidentsOf('b');
    expect(incidents.map((incident) => [incident.status, incident.anomaly_count])).toEqual([
      ['resolved', 2],
      ['open', 2],
    ]);
    expect(incidents[0]!.resolved_at?.getTime()).toBe(BASE_MS + 5 * MINUTE_MS + QUIET_MS);
  });

  it('auto-resolves a quiet incident, but not one that received an anomaly since it was read', async () => {
    await store.store([anomaly('c', 0)], QUIET_MS);
    await store.store([anomaly('d', 0)], QUIET_MS);
    const active = (await store.activeIncidents(100)).filter((incident) => incident.series === 'c' || incident.series === 'd');
    expect(active).toHaveLength(2);
    // 'd' gets a new anomaly between the sweep's read and its update.
    await store.store([anomaly('d', 10)], QUIET_MS);
    const resolved = await store.resolveQuiet(active.map((incident) => ({ ...incident, status: 'resolved', resolvedAtMs: incident.lastAnomalyAtMs + QUIET_MS })));
    expect(resolved.map((incident) => incident.series)).toEqual(['c']);
    expect((await incidentsOf('c')).map((incident) => incident.status)).toEqual(['resolved']);
    expect((await incidentsOf('d')).map((incident) => [incident.status, incident.anomaly_count])).toEqual([['open', 2]]);
  });

  it('checkpoints detector state per stream and never rolls a newer checkpoint back', async () => {
    const checkpoint = (lastAtMs: number, marker: string, stream: 'rollup' | 'raw' = 'rollup') => ({
      metric: 'svc.latency', series: 'a', stream, partition: 1, state: { marker }, lastAtMs,
    });
    await states.save([checkpoint(BASE_MS + 10 * MINUTE_MS, 'new'), checkpoint(BASE_MS, 'raw', 'raw')]);
    await states.save([checkpoint(BASE_MS + 5 * MINUTE_MS, 'stale')]);
    expect(await states.load('rollup', [1])).toEqual([checkpoint(BASE_MS + 10 * MINUTE_MS, 'new')]);
    expect(await states.load('raw', [1])).toEqual([checkpoint(BASE_MS, 'raw', 'raw')]);
    expect(await states.load('rollup', [0, 2])).toEqual([]);
    await states.save([checkpoint(BASE_MS + 11 * MINUTE_MS, 'newer')]);
    expect((await states.load('rollup', [1]))[0]!.state).toEqual({ marker: 'newer' });
  });
});
