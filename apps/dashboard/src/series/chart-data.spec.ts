import { describe, expect, it } from 'vitest';
import type { Anomaly, Series } from '../api/operations';
import { mergeAnomalies, rangeOf, toChartData } from './chart-data';

const T0 = '2026-11-25T10:00:00.000Z';
const T1 = '2026-11-25T10:01:00.000Z';
const T2 = '2026-11-25T10:02:00.000Z';
const S0 = Date.parse(T0) / 1000;

const point = (t: string, avg: number | null, p95: number | null = null, value: number | null = null) => ({ t, count: 1, avg, p95, value });

const anomaly = (id: string, at: string, value: number): Anomaly => ({
  id,
  metric: 'm',
  series: 'region=eu',
  at,
  value,
  expected: 10,
  score: 0.97,
  severity: 'critical',
  detector: 'static',
});

describe('toChartData', () => {
  it.each<[string, Series[], Array<'avg' | 'p95' | 'value'>, { xs: number[]; lines: Array<{ label: string; values: Array<number | null> }> }]>([
    ['no data', [], ['avg'], { xs: [], lines: [] }],
    [
      'one ungrouped series, avg and p95',
      [{ group: {}, points: [point(T0, 1, 2), point(T1, 3, 4)] }],
      ['avg', 'p95'],
      { xs: [S0, S0 + 60], lines: [{ label: 'avg', values: [1, 3] }, { label: 'p95', values: [2, 4] }] },
    ],
    [
      'two groups aligned on the union of buckets, gaps as null',
      [
        { group: { region: 'eu' }, points: [point(T0, 1), point(T2, 5)] },
        { group: { region: 'us' }, points: [point(T1, 7)] },
      ],
      ['avg'],
      { xs: [S0, S0 + 60, S0 + 120], lines: [{ label: 'region=eu avg', values: [1, null, 5] }, { label: 'region=us avg', values: [null, 7, null] }] },
    ],
    [
      'derived metric values',
      [{ group: {}, points: [point(T0, null, null, 0.5), point(T1, null, null, null)] }],
      ['value'],
      { xs: [S0, S0 + 60], lines: [{ label: 'value', values: [0.5, null] }] },
    ],
  ])('%s', (_name, series, statistics, expected) => {
    const data = toChartData(series, statistics, []);
    expect(data.xs).toEqual(expected.xs);
    expect(data.lines.map(({ label, values }) => ({ label, values }))).toEqual(expected.lines);
  });

  it('places anomaly markers at their time and value and widens the y extent to include them', () => {
    const data = toChartData([{ group: {}, points: [point(T0, 10), point(T1, 12)] }], ['avg'], [anomaly('a1', T1, 950)]);
    expect(data.markers).toEqual([expect.objectContaining({ id: 'a1', xSeconds: S0 + 60, y: 950, severity: 'critical' })]);
    expect([data.yMin, data.yMax]).toEqual([10, 950]);
  });
});

describe('mergeAnomalies', () => {
  it('keeps one marker per id, newest first', () => {
    const merged = mergeAnomalies([anomaly('a', T0, 1), anomaly('b', T1, 2)], [anomaly('b', T1, 2), anomaly('c', T2, 3)]);
    expect(merged.map((one) => one.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('rangeOf', () => {
  it.each([
    ['24h', '5m'],
    ['30d', '6h'],
    [undefined, '1m'],
    ['bogus', '1m'],
  ])('%s → step %s', (key, step) => {
    expect(rangeOf(key).step).toBe(step);
  });
});
