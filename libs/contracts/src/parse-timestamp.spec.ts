import { describe, expect, it } from 'vitest';
import { parseTimestampMs } from './parse-timestamp';

describe('parseTimestampMs', () => {
  it.each([
    ['an ISO instant', '2026-11-25T12:00:00Z', Date.UTC(2026, 10, 25, 12)],
    ['a date', '2026-11-25', Date.UTC(2026, 10, 25)],
    ['the last day of February in a leap year', '2028-02-29', Date.UTC(2028, 1, 29)],
    ['the 31st of a long month', '2026-12-31T23:59:59.999Z', Date.UTC(2026, 11, 31, 23, 59, 59, 999)],
    ['epoch milliseconds', 1_795_651_200_000, 1_795_651_200_000],
  ])('reads %s', (_name, timestamp, expected) => {
    expect(parseTimestampMs(timestamp)).toBe(expected);
  });

  it.each([
    ['February 30th (Date.parse rolls it over to March)', '2026-02-30T00:00:00Z'],
    ['February 29th in a common year', '2026-02-29'],
    ['April 31st', '2026-04-31'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['hour 25', '2026-11-25T25:00:00Z'],
    ['an offset beyond 24 h', '2026-11-25T12:00:00+25:00'],
    ['seconds since the epoch', 1_795_651_200],
    ['microseconds since the epoch', 1_795_651_200_000_000],
    ['a non-finite number', Number.POSITIVE_INFINITY],
    ['a word', 'yesterday'],
  ])('refuses %s', (_name, timestamp) => {
    expect(parseTimestampMs(timestamp)).toBeNull();
  });
});
