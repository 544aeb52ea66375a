import { describe, expect, it } from 'vitest';
import { autocorrelationAt, detectPeriod } from './detect-period';

const sine = (period: number, n: number): number[] => Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * i) / period));
const square = (period: number, n: number): number[] => Array.from({ length: n }, (_, i) => (i % period < period / 2 ? 1 : 0));
/** A slow random walk stand-in: a deterministic wander with no cycle. */
const ramp = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 5 * Math.sin(i / 37));
const alternating = (n: number): number[] => Array.from({ length: n }, (_, i) => (i % 2 === 0 ? 1 : -1));

describe('detectPeriod', () => {
  it.each([
    ['a sine', sine(48, 96), 48, true],
    ['a square wave', square(24, 48), 24, true],
    ['a sine tested at the wrong lag', sine(48, 96), 30, false],
    ['a trend (high autocorrelation everywhere)', ramp(200), 48, false],
  ])('on %s at its lag accepts=%s', (_name, values, lag, accepted) => {
    const evidence = detectPeriod(values, lag);
    expect(evidence.autocorrelation >= 0.5 && evidence.contrast >= 0.3).toBe(accepted);
  });

  it.each([
    ['a constant series', [3, 3, 3, 3], 1, 0],
    ['a lag beyond the data', [1, 2, 3], 5, 0],
    ['an alternating series at lag 1', alternating(100), 1, -1],
    ['an alternating series at lag 2', alternating(100), 2, 1],
  ])('autocorrelation of %s is %d', (_name, values, lag, expected) => {
    expect(autocorrelationAt(values, lag)).toBeCloseTo(expected, 5);
  });
});
