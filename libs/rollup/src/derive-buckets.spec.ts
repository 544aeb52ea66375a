import { parseFormula } from '@telemetry/formula';
import { describe, expect, it } from 'vitest';
import { deriveBuckets, needsSketches, planDerivation, type DerivedMetric } from './derive-buckets';
import { aggregatePoints, type RollupPoint } from './rollup-bucket';
import { seriesIdentity } from './series-attributes';

const T = Date.UTC(2026, 0, 1, 12);
const point = (metric: string, attributes: Record<string, string>, offsetMs: number, value: number): RollupPoint => ({
  metric,
  ...seriesIdentity(attributes, undefined, []),
  timeMs: T + offsetMs,
  value,
});
const derived = (name: string, formula: string, attributes: string[] = []): DerivedMetric => ({ name, formula: parseFormula(formula), attributes });

const inputs = [
  ...Array.from({ length: 10 }, (_, i) => point('req', { region: 'eu', host: `h${i % 2}` }, i * 1_000, 1)),
  ...Array.from({ length: 20 }, (_, i) => point('req', { region: 'us', host: 'h0' }, i * 1_000, 1)),
  point('err', { region: 'eu', host: 'h0' }, 0, 1),
  point('err', { region: 'us', host: 'h1' }, 0, 1),
  point('err', { region: 'us', host: 'h1' }, 0, 1),
  point('req', { region: 'eu', host: 'h0' }, 60_000, 1),
];
const buckets = [...aggregatePoints(inputs, 60).values()];

describe('deriveBuckets', () => {
  it.each([
    ['one series over all inputs', derived('rate', '100 * rate(err) / rate(req)'), [['', 0, (100 * 3) / 30], ['', 60_000, 0]]],
    ['per region', derived('rate', '100 * sum(err) / count(req)', ['region']), [['region=eu', 0, 10], ['region=eu', 60_000, 0], ['region=us', 0, 10]]],
    ['an input without events in a bucket counts as empty', derived('ratio', 'count(err) / count(req)', ['region']), [['region=eu', 0, 0.1], ['region=eu', 60_000, 0], ['region=us', 0, 0.1]]],
    ['an empty input has no average', derived('level', 'avg(err) + count(req)', ['region']), [['region=eu', 0, 11], ['region=us', 0, 21]]],
    ['max over merged series', derived('peak', 'max(req) * 2'), [['', 0, 2], ['', 60_000, 2]]],
  ])('%s', (_name, metric, expected) => {
    const values = deriveBuckets([metric], buckets, 60);
    expect(values.map((v) => [v.series, v.bucketStartMs - T, v.value]).sort()).toEqual([...expected].sort());
  });

  it('evaluates a derived metric that reads another after it', () => {
    const plan = planDerivation([derived('pct', 'ratio * 100'), derived('ratio', 'count(err) / count(req)')], new Set(['err']));
    expect(plan.order.map((m) => m.name)).toEqual(['ratio', 'pct']);
    expect(plan.measuredInputs.sort()).toEqual(['err', 'req']);
    const values = deriveBuckets(plan.order, buckets, 60);
    expect(values.map((v) => [v.metric, v.bucketStartMs - T, v.value])).toEqual([['ratio', 0, 0.1], ['ratio', 60_000, 0], ['pct', 0, 10], ['pct', 60_000, 0]]);
  });

  it('recomputes a derived metric that a recomputed one reads, and knows when sketches are needed', () => {
    const metrics = [derived('pct', 'ratio * 100 + count(other)'), derived('ratio', 'count(err) / count(req)'), derived('tail', 'p99(req)')];
    const plan = planDerivation(metrics, new Set(['other']));
    expect(plan.order.map((m) => m.name)).toEqual(['ratio', 'pct']);
    expect(plan.measuredInputs.sort()).toEqual(['err', 'other', 'req']);
    expect(needsSketches(plan.order)).toBe(false);
    expect(needsSketches(planDerivation(metrics, new Set(['req'])).order)).toBe(true);
  });

  it('plans nothing when no input was touched', () => {
    expect(planDerivation([derived('ratio', 'count(err) / count(req)')], new Set(['other'])).order).toEqual([]);
  });
});
