import { describe, expect, it } from 'vitest';
import { bucketStartMs } from './bucket-time';
import { sketchQuantiles, encodeSketch, decodeSketch } from './quantile-sketch';
import { aggregatePoints, mergeInto, type RollupPoint } from './rollup-bucket';

const exactQuantile = (sorted: number[], q: number) => sorted[Math.floor(q * (sorted.length - 1))] as number;

/** Deterministic pseudo-random values (LCG), so the quantile checks see the same data every run. */
const values = (n: number, seed: number, scale: number) => {
  let state = seed;
  return Array.from({ length: n }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return (state / 2_147_483_648) ** 3 * scale + 0.5;
  });
};

const points = (metric: string, series: string, timeMs: number, vs: number[]): RollupPoint[] =>
  vs.map((value, i) => ({ metric, series, attributes: {}, timeMs: timeMs + (i % 60) * 1_000, value }));

describe('bucketStartMs', () => {
  it.each([
    [Date.UTC(2026, 0, 1, 10, 7, 31, 500), 60, Date.UTC(2026, 0, 1, 10, 7)],
    [Date.UTC(2026, 0, 1, 10, 7, 0, 0), 60, Date.UTC(2026, 0, 1, 10, 7)],
    [Date.UTC(2026, 0, 1, 10, 59, 59, 999), 3_600, Date.UTC(2026, 0, 1, 10)],
  ])('puts %i in the %is bucket starting %i', (time, seconds, start) => {
    expect(bucketStartMs(time, seconds)).toBe(start);
  });
});

describe('aggregatePoints', () => {
  it.each([
    ['uniform-ish', 1_000, 1, 1_000],
    ['heavy tail', 20_000, 7, 100_000],
    ['tiny values', 500, 3, 0.01],
  ])('counts exactly and keeps p50/p95/p99 within 1%% (%s)', (_name, n, seed, scale) => {
    const vs = values(n, seed, scale);
    const buckets = aggregatePoints(points('m', '', Date.UTC(2026, 0, 1), vs), 3_600);
    expect(buckets.size).toBe(1);
    const bucket = [...buckets.values()][0];
    const sorted = [...vs].sort((a, b) => a - b);
    expect(bucket?.count).toBe(n);
    expect(bucket?.sum).toBeCloseTo(vs.reduce((a, b) => a + b, 0), 6);
    expect(bucket?.min).toBe(sorted[0]);
    expect(bucket?.max).toBe(sorted[sorted.length - 1]);
    const quantiles = sketchQuantiles(bucket?.sketch ?? null);
    for (const [q, got] of [[0.5, quantiles.p50], [0.95, quantiles.p95], [0.99, quantiles.p99]] as const) {
      const exact = exactQuantile(sorted, q);
      expect(Math.abs((got as number) - exact) / exact).toBeLessThanOrEqual(0.01);
    }
  });

  it('splits points by metric, series and minute', () => {
    const t = Date.UTC(2026, 0, 1, 12);
    const buckets = aggregatePoints(
      [
        { metric: 'a', series: 'x=1', attributes: { x: 1 }, timeMs: t, value: 1 },
        { metric: 'a', series: 'x=1', attributes: { x: 1 }, timeMs: t + 59_999, value: 2 },
        { metric: 'a', series: 'x=1', attributes: { x: 1 }, timeMs: t + 60_000, value: 3 },
        { metric: 'a', series: 'x=2', attributes: { x: 2 }, timeMs: t, value: 4 },
        { metric: 'b', series: 'x=1', attributes: { x: 1 }, timeMs: t, value: 5 },
      ],
      60,
    );
    expect([...buckets.values()].map((b) => [b.metric, b.series, b.bucketStartMs - t, b.count, b.sum])).toEqual([
      ['a', 'x=1', 0, 2, 3],
      ['a', 'x=1', 60_000, 1, 3],
      ['a', 'x=2', 0, 1, 4],
      ['b', 'x=1', 0, 1, 5],
    ]);
  });
});

describe('mergeInto', () => {
  it.each([
    [100, 900],
    [1, 1],
    [5_000, 17],
  ])('merging %i points into %i (through the stored bytes) equals aggregating all at once', (left, right) => {
    const t = Date.UTC(2026, 0, 1);
    const a = values(left, 11, 500);
    const b = values(right, 13, 5_000);
    const whole = [...aggregatePoints(points('m', '', t, [...a, ...b]), 3_600).values()][0];
    const first = [...aggregatePoints(points('m', '', t, a), 3_600).values()][0];
    const second = [...aggregatePoints(points('m', '', t, b), 3_600).values()][0];
    if (!whole || !first || !second) throw new Error('no bucket');
    if (first.sketch) first.sketch = decodeSketch(encodeSketch(first.sketch));
    mergeInto(first, second);
    expect([first.count, first.min, first.max]).toEqual([whole.count, whole.min, whole.max]);
    expect(first.sum).toBeCloseTo(whole.sum, 6);
    // The stored bytes carry the mapping's gamma as a float: the same bins, values equal to ~1e-12.
    const merged = sketchQuantiles(first.sketch);
    const direct = sketchQuantiles(whole.sketch);
    for (const q of ['p50', 'p95', 'p99'] as const) expect(merged[q]).toBeCloseTo(direct[q] as number, 6);
  });
});
