import { describe, expect, it } from 'vitest';
import { mineSegments, type SegmentInput } from './mine-segments';

/** A 0/1 "failed" metric: per version and region, `count` requests of which `errors` failed. */
const series = (app_version: string, region: string, count: number, errors: number): SegmentInput => ({
  attributes: { app_version, region },
  count,
  sum: errors,
});

describe('mineSegments', () => {
  it.each([
    [
      'a version with ten times the error rate',
      [series('1.0', 'eu', 5_000, 50), series('1.0', 'us', 5_000, 50), series('1.1', 'eu', 5_000, 52), series('2.0', 'us', 3_000, 300)],
      { attribute: 'app_version', value: '2.0' },
    ],
    [
      'a region that never fails',
      [series('1.0', 'eu', 4_000, 400), series('1.0', 'ap', 4_000, 0), series('1.1', 'eu', 4_000, 410), series('1.1', 'us', 4_000, 390)],
      { attribute: 'region', value: 'ap' },
    ],
  ])('finds %s first', (_name, inputs, top) => {
    expect(mineSegments(inputs)[0]?.subject).toEqual(top);
  });

  it('does not let a tiny lucky segment outrank a large deviating one', () => {
    const inputs = [series('1.0', 'eu', 10_000, 100), series('1.1', 'eu', 30, 3), series('2.0', 'eu', 2_000, 200)];
    const patterns = mineSegments(inputs);
    expect(patterns[0]?.subject).toEqual({ attribute: 'app_version', value: '2.0' });
    expect(patterns[0]?.details.lift).toBeCloseTo(0.1 / (103 / 10_030), 6);
  });

  it.each([
    ['no data', []],
    ['one segment only (no rest to compare with)', [series('1.0', 'eu', 100, 1)]],
    ['segments under the minimum support', [series('1.0', 'eu', 10, 1), series('2.0', 'eu', 10, 5)]],
  ])('returns nothing for %s', (_name, inputs) => {
    expect(mineSegments(inputs)).toEqual([]);
  });
});
