import { describe, expect, it } from 'vitest';
import { anomalyId, toAnomalyRecord } from './build-anomaly';

const AT_MS = Date.parse('2026-03-01T12:00:00.000Z');

describe('anomalyId', () => {
  it('is the same for the same metric, series, time and detector (a replay is a duplicate)', () => {
    expect(anomalyId('a.b', 'x=1', AT_MS, 'spike')).toBe(anomalyId('a.b', 'x=1', AT_MS, 'spike'));
  });

  it.each([
    ['metric', anomalyId('a.c', 'x=1', AT_MS, 'spike')],
    ['series', anomalyId('a.b', 'x=2', AT_MS, 'spike')],
    ['time', anomalyId('a.b', 'x=1', AT_MS + 60_000, 'spike')],
    ['detector', anomalyId('a.b', 'x=1', AT_MS, 'static')],
  ])('changes with the %s', (_part, other) => {
    expect(other).not.toBe(anomalyId('a.b', 'x=1', AT_MS, 'spike'));
    expect(other).toMatch(/^[0-9a-f]{32}$/);
  });
});

describe('toAnomalyRecord', () => {
  it.each([
    [1.3, 1],
    [-0.2, 0],
    [0.72, 0.72],
  ])('keeps score %s within [0, 1] as %s', (score, expected) => {
    const record = toAnomalyRecord({ point: { metric: 'a.b', series: '', atMs: AT_MS, value: 9 }, expected: 3, score, detector: 'spike', severity: 'warning' });
    expect(record).toEqual({ id: anomalyId('a.b', '', AT_MS, 'spike'), metric: 'a.b', series: '', at: '2026-03-01T12:00:00.000Z', value: 9, expected: 3, score: expected, detector: 'spike', severity: 'warning' });
  });
});
