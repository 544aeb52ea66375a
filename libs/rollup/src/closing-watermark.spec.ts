import { describe, expect, it } from 'vitest';
import { closingWatermarkMs, isBucketClosed } from './closing-watermark';

const T = Date.UTC(2026, 0, 1, 12);

describe('closing', () => {
  it.each([
    ['event time ahead of the clock', T + 120_000, T, 30_000, T + 90_000],
    ['idle stream: the clock moves on', T - 600_000, T, 30_000, T - 30_000],
  ])('watermark: %s', (_name, maxEvent, now, lateness, expected) => {
    expect(closingWatermarkMs(maxEvent, now, lateness)).toBe(expected);
  });

  it.each([
    [T, 60, T + 60_000, true],
    [T, 60, T + 59_999, false],
    [T, 3_600, T + 3_600_000, true],
  ])('bucket %i of %is is closed at %i: %s', (start, seconds, watermark, closed) => {
    expect(isBucketClosed(start, seconds, watermark)).toBe(closed);
  });
});
