import { describe, expect, it } from 'vitest';
import { backoffDelayMs, isRetriableStatus } from './backoff-delay';

describe('backoffDelayMs', () => {
  it.each([
    [1, 0, 250],
    [1, 1, 500],
    [2, 0, 500],
    [3, 1, 2_000],
    [4, 0.5, 3_000],
    [10, 1, 10_000],
    [10, 0, 5_000],
  ])('retry %i with random %s waits %i ms (initial 500, cap 10 s)', (attempt, random, expected) => {
    expect(backoffDelayMs(attempt, 500, 10_000, random)).toBe(expected);
  });
});

describe('isRetriableStatus', () => {
  it.each([
    [null, true],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
    [400, false],
    [401, false],
    [404, false],
    [0, false],
  ])('status %s → %s', (status, expected) => {
    expect(isRetriableStatus(status)).toBe(expected);
  });
});
