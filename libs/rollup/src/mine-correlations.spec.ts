import { describe, expect, it } from 'vitest';
import { mineCorrelations, pearson } from './mine-correlations';

const T = Date.UTC(2026, 0, 1);
const series = (values: number[]) => new Map(values.map((v, i) => [T + i * 60_000, v]));
const wave = Array.from({ length: 30 }, (_, i) => Math.sin(i / 3) * 10 + 50);

describe('pearson', () => {
  it.each([
    [[1, 2, 3], [2, 4, 6], 1],
    [[1, 2, 3], [3, 2, 1], -1],
    [[1, 2, 3], [5, 5, 5], null],
    [[], [], null],
  ])('%j vs %j → %j', (xs, ys, r) => {
    const got = pearson(xs, ys);
    if (r === null) expect(got).toBeNull();
    else expect(got).toBeCloseTo(r, 12);
  });
});

describe('mineCorrelations', () => {
  it('ranks the metric that moves with the target first, an inverse one next, noise last', () => {
    const metrics = new Map([
      ['latency', series(wave)],
      ['cpu', series(wave.map((v) => v * 2 + 3))],
      ['throughput', series(wave.map((v, i) => 200 - v * 1.5 + (i % 2)))],
      ['noise', series(wave.map((_, i) => ((i * 7919) % 13) - 6))],
    ]);
    const patterns = mineCorrelations('latency', metrics);
    expect(patterns.map((p) => p.subject.metric)).toEqual(['cpu', 'throughput', 'noise']);
    expect(patterns[0]?.strength).toBeCloseTo(1, 9);
    expect(patterns[1]?.details.r).toBeLessThan(-0.95);
    expect(patterns[0]?.support).toBe(30);
  });

  it('ignores metrics with too few common buckets', () => {
    const metrics = new Map([['a', series(wave)], ['b', series(wave.slice(0, 5))]]);
    expect(mineCorrelations('a', metrics)).toEqual([]);
  });
});
