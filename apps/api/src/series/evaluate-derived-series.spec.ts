import { parseFormula } from '@telemetry/formula';
import { describe, expect, it } from 'vitest';
import { evaluateDerivedSeries } from './evaluate-derived-series';
import type { Series, SeriesPoint } from './series.model';

const T = Date.UTC(2026, 10, 25, 12);
const point = (minute: number, fields: Partial<SeriesPoint>): SeriesPoint => ({
  t: new Date(T + minute * 60_000),
  count: 0,
  sum: null,
  min: null,
  max: null,
  avg: null,
  p50: null,
  p95: null,
  p99: null,
  value: null,
  ...fields,
});
const series = (group: Record<string, string | null>, points: SeriesPoint[]): Series => ({ group, points });

describe('evaluateDerivedSeries', () => {
  it('evaluates the formula per group and bucket over the merged inputs, with the step as bucketSeconds', () => {
    const formula = parseFormula('100 * rate(checkout.errors) / rate(checkout.requests)');
    const result = evaluateDerivedSeries(
      formula,
      {
        aggregated: new Map([
          ['checkout.errors', [series({ region: 'eu' }, [point(0, { count: 3, sum: 3 }), point(5, { count: 0, sum: 0 })]), series({ region: 'us' }, [point(0, { count: 1, sum: 1 })])]],
          ['checkout.requests', [series({ region: 'eu' }, [point(0, { count: 300, sum: 300 }), point(5, { count: 200, sum: 200 })]), series({ region: 'us' }, [point(0, { count: 25, sum: 25 })])]],
        ]),
        bare: new Map(),
      },
      ['region'],
      300,
    );
    expect(result.map((one) => [one.group, one.points.map((p) => [p.t.getTime() - T, p.value === null ? null : Number(p.value.toFixed(9))])])).toEqual([
      [{ region: 'eu' }, [[0, 1], [300_000, 0]]],
      [{ region: 'us' }, [[0, 4]]],
    ]);
  });

  it.each([
    ['the average of an input without events in a bucket', 'avg(a.x) + avg(a.y)', [point(0, { sum: 1, count: 1 })], [point(1, { sum: 2, count: 1 })], [null, null]],
    ['a zero divisor', 'sum(a.x) / sum(a.y)', [point(0, { sum: 1, count: 1 })], [point(0, { sum: 0, count: 1 })], [null]],
  ])('yields null for %s', (_name, source, xs, ys, values) => {
    const result = evaluateDerivedSeries(parseFormula(source), { aggregated: new Map([['a.x', [series({}, xs)]], ['a.y', [series({}, ys)]]]), bare: new Map() }, [], 60);
    expect(result[0]?.points.map((p) => p.value)).toEqual(values);
  });

  it('reads an input without events in a bucket as an empty bucket: count, sum and rate are 0', () => {
    const result = evaluateDerivedSeries(
      parseFormula('100 * rate(a.errors) / rate(a.requests) + count(a.errors)'),
      { aggregated: new Map([['a.errors', [series({}, [point(0, { sum: 2, count: 2 })])]], ['a.requests', [series({}, [point(0, { sum: 50, count: 50 }), point(1, { sum: 40, count: 40 })])]]]), bare: new Map() },
      [],
      60,
    );
    expect(result[0]?.points.map((p) => p.value)).toEqual([6, 0]);
  });

  it('reads derived inputs by their value', () => {
    const result = evaluateDerivedSeries(parseFormula('d.rate * 60'), { aggregated: new Map(), bare: new Map([['d.rate', [series({}, [point(0, { value: 2 })])]]]) }, [], 60);
    expect(result[0]?.points.map((p) => p.value)).toEqual([120]);
  });
});
