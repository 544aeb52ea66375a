import { describe, expect, it } from 'vitest';
import type { Incident, IncidentStatus } from './incident';
import { autoResolveQuiet, transitionIncident, type IncidentAction } from './transition-incident';

const MINUTE_MS = 60_000;
const incident = (status: IncidentStatus, lastAnomalyMinute = 10, acknowledgedAtMs: number | null = null): Incident => ({
  id: `i-${status}-${lastAnomalyMinute}`,
  metric: 'm.x',
  series: '',
  status,
  severity: 'warning',
  openedAtMs: 0,
  lastAnomalyAtMs: lastAnomalyMinute * MINUTE_MS,
  acknowledgedAtMs,
  resolvedAtMs: status === 'resolved' ? 5 : null,
  anomalyCount: 1,
  maxScore: 0.7,
});

describe('transitionIncident', () => {
  it.each<[IncidentStatus, IncidentAction, { status: IncidentStatus; acknowledgedAtMs: number | null; resolvedAtMs: number | null }]>([
    ['open', 'acknowledge', { status: 'acknowledged', acknowledgedAtMs: 99, resolvedAtMs: null }],
    ['open', 'resolve', { status: 'resolved', acknowledgedAtMs: null, resolvedAtMs: 99 }],
    ['acknowledged', 'resolve', { status: 'resolved', acknowledgedAtMs: 1, resolvedAtMs: 99 }],
    ['acknowledged', 'acknowledge', { status: 'acknowledged', acknowledgedAtMs: 1, resolvedAtMs: null }],
    ['resolved', 'resolve', { status: 'resolved', acknowledgedAtMs: 1, resolvedAtMs: 5 }],
  ])('%s + %s → %o', (status, action, expected) => {
    const result = transitionIncident(incident(status, 10, status === 'open' ? null : 1), action, 99);
    expect(result).toMatchObject({ kind: 'ok', value: expected });
  });

  it('refuses to acknowledge a resolved incident', () => {
    expect(transitionIncident(incident('resolved'), 'acknowledge', 99)).toMatchObject({ kind: 'reject', reason: 'incident_resolved' });
  });
});

describe('autoResolveQuiet', () => {
  const QUIET_MS = 15 * MINUTE_MS;
  it.each([
    ['an open incident quiet for longer than the period', incident('open', 10), 30, [10 * MINUTE_MS + QUIET_MS]],
    ['an acknowledged incident quiet for longer than the period', incident('acknowledged', 10, 12 * MINUTE_MS), 30, [10 * MINUTE_MS + QUIET_MS]],
    ['an incident acknowledged after it went quiet resolves no earlier than the acknowledgement', incident('acknowledged', 10, 28 * MINUTE_MS), 30, [28 * MINUTE_MS]],
    ['an incident still within the period', incident('open', 20), 30, []],
    ['an incident already resolved', incident('resolved', 1), 30, []],
  ])('%s', (_name, subject, nowMinute, resolvedAt) => {
    const resolved = autoResolveQuiet([subject], nowMinute * MINUTE_MS, QUIET_MS);
    expect(resolved.map((entry) => entry.resolvedAtMs)).toEqual(resolvedAt);
    expect(resolved.every((entry) => entry.status === 'resolved')).toBe(true);
  });
});
