import { describe, expect, it } from 'vitest';
import type { Incident } from './incident';
import { planIncidentUpdates, type IncidentAnomaly } from './plan-incident-updates';

const MINUTE_MS = 60_000;
const QUIET_MS = 15 * MINUTE_MS;
const SERIES = { metric: 'api.latency', series: 'region=eu' };
const anomaly = (id: string, minute: number, score = 0.7, severity: IncidentAnomaly['severity'] = 'warning'): IncidentAnomaly => ({ id, atMs: minute * MINUTE_MS, score, severity });
const newId = (first: IncidentAnomaly) => `incident-of-${first.id}`;
const active = (overrides: Partial<Incident> = {}): Incident => ({
  id: 'existing',
  ...SERIES,
  status: 'open',
  severity: 'warning',
  openedAtMs: 0,
  lastAnomalyAtMs: 10 * MINUTE_MS,
  acknowledgedAtMs: null,
  resolvedAtMs: null,
  anomalyCount: 2,
  maxScore: 0.7,
  ...overrides,
});

describe('planIncidentUpdates', () => {
  it('opens one incident for consecutive anomalies of a quiet series', () => {
    const changes = planIncidentUpdates(null, [anomaly('a', 1), anomaly('b', 2, 0.9, 'critical'), anomaly('c', 5)], QUIET_MS, newId, SERIES);
    expect(changes).toEqual([
      {
        opened: true,
        resolved: false,
        anomalyIds: ['a', 'b', 'c'],
        incident: {
          id: 'incident-of-a', ...SERIES, status: 'open', severity: 'critical', openedAtMs: MINUTE_MS, lastAnomalyAtMs: 5 * MINUTE_MS,
          acknowledgedAtMs: null, resolvedAtMs: null, anomalyCount: 3, maxScore: 0.9,
        },
      },
    ]);
  });

  it.each([
    ['an open incident', active()],
    ['an acknowledged incident, which stays acknowledged', active({ status: 'acknowledged', acknowledgedAtMs: 11 * MINUTE_MS })],
  ])('extends %s when the anomaly comes within the quiet period', (_name, existing) => {
    const changes = planIncidentUpdates(existing, [anomaly('d', 20, 0.95, 'critical')], QUIET_MS, newId, SERIES);
    expect(changes).toHaveLength(1);
    expect(changes[0]).toMatchObject({ opened: false, resolved: false, anomalyIds: ['d'] });
    expect(changes[0]!.incident).toEqual({ ...existing, lastAnomalyAtMs: 20 * MINUTE_MS, anomalyCount: 3, maxScore: 0.95, severity: 'critical' });
  });

  it('resolves the active incident after a quiet gap and opens a new one', () => {
    const changes = planIncidentUpdates(active(), [anomaly('e', 40)], QUIET_MS, newId, SERIES);
    expect(changes.map((change) => [change.incident.id, change.incident.status, change.opened, change.resolved])).toEqual([
      ['existing', 'resolved', false, true],
      ['incident-of-e', 'open', true, false],
    ]);
    expect(changes[0]!.incident.resolvedAtMs).toBe(10 * MINUTE_MS + QUIET_MS);
  });

  it('splits one batch at its quiet gaps, leaving only the last incident active', () => {
    const changes = planIncidentUpdates(null, [anomaly('x', 100), anomaly('w', 1), anomaly('y', 101), anomaly('z', 3)], QUIET_MS, newId, SERIES);
    expect(changes.map((change) => [change.incident.id, change.incident.status, change.anomalyIds])).toEqual([
      ['incident-of-w', 'resolved', ['w', 'z']],
      ['incident-of-x', 'open', ['x', 'y']],
    ]);
  });

  it('changes nothing without anomalies', () => {
    expect(planIncidentUpdates(active(), [], QUIET_MS, newId, SERIES)).toEqual([]);
  });
});
