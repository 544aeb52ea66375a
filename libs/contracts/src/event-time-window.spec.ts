import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_FUTURE_MS, describeEventTimeWindow, isWithinEventTimeWindow } from './event-time-window';

const NOW = Date.UTC(2026, 10, 25, 12);
const EARLIEST = Date.UTC(2000, 0, 1);

describe('isWithinEventTimeWindow', () => {
  it.each([
    ['the first millisecond of 2000', EARLIEST, true],
    ['the last millisecond of 1999', EARLIEST - 1, false],
    ['now', NOW, true],
    ['exactly maxFutureMs ahead', NOW + DEFAULT_MAX_FUTURE_MS, true],
    ['one millisecond further', NOW + DEFAULT_MAX_FUTURE_MS + 1, false],
  ])('%s → %s', (_, timestampMs, expected) => {
    expect(isWithinEventTimeWindow(timestampMs, NOW, DEFAULT_MAX_FUTURE_MS)).toBe(expected);
  });

  it('allows nothing ahead of the clock when maxFutureMs is 0', () => {
    expect(isWithinEventTimeWindow(NOW + 1, NOW, 0)).toBe(false);
  });
});

describe('describeEventTimeWindow', () => {
  it.each([
    [DEFAULT_MAX_FUTURE_MS, "accepted from 2000-01-01T00:00:00Z to 24 h after the pipeline's clock"],
    [90_000, "accepted from 2000-01-01T00:00:00Z to 90 s after the pipeline's clock"],
    [1_500, "accepted from 2000-01-01T00:00:00Z to 1500 ms after the pipeline's clock"],
  ])('names the window for maxFutureMs = %d', (maxFutureMs, text) => {
    expect(describeEventTimeWindow(maxFutureMs)).toBe(text);
  });
});
