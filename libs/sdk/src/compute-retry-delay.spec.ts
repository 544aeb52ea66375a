import { describe, expect, it } from 'vitest';
import { computeBackoffMs, computeRetryDelayMs, parseRetryAfterMs } from './compute-retry-delay';

const options = { retryBaseMs: 1_000, retryMaxMs: 60_000 };

describe('computeBackoffMs', () => {
  it.each<[number, number, number]>([
    [1, 0, 500],
    [1, 1, 1_000],
    [2, 0, 1_000],
    [3, 0.5, 3_000],
    [4, 1, 8_000],
    [7, 0, 30_000],
    [7, 1, 60_000],
    [50, 1, 60_000],
  ])('attempt %d with draw %d → %d ms', (attempt, draw, expected) => {
    expect(computeBackoffMs(attempt, options, draw)).toBe(expected);
  });

  it('grows (its lower bound doubles) until the cap', () => {
    const lowerBounds = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => computeBackoffMs(attempt, options, 0));
    expect(lowerBounds).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
  });
});

describe('parseRetryAfterMs', () => {
  const nowMs = Date.parse('2026-01-01T00:00:00Z');
  it.each<[string | null, number | undefined]>([
    [null, undefined],
    ['', undefined],
    ['120', 120_000],
    [' 3 ', 3_000],
    ['0', 0],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:59:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
  ])('%j → %j', (header, expected) => {
    expect(parseRetryAfterMs(header, nowMs)).toBe(expected);
  });
});

describe('computeRetryDelayMs', () => {
  it.each<[string, number, number | undefined, number, number]>([
    ['Retry-After is honoured exactly at draw 0', 1, 30_000, 0, 30_000],
    ['Retry-After gets at most 10% jitter', 1, 30_000, 1, 33_000],
    ['Retry-After beyond the backoff cap is still honoured', 9, 120_000, 0, 120_000],
    ['no Retry-After: backoff', 3, undefined, 0, 2_000],
  ])('%s', (_name, attempt, retryAfterMs, draw, expected) => {
    expect(computeRetryDelayMs(attempt, retryAfterMs, options, draw)).toBe(expected);
  });
});
