import { describe, expect, it } from 'vitest';
import { classifyExpiry, describeExpiry, type Expiry } from './expiry';

const NOW = new Date('2026-11-25T15:30:00Z');

describe('classifyExpiry', () => {
  it.each<[string | null, Expiry, string]>([
    [null, { state: 'never', daysLeft: null }, 'never'],
    ['never', { state: 'never', daysLeft: null }, 'never'],
    ['2026-11-24', { state: 'expired', daysLeft: -1 }, 'expired 1 d ago'],
    ['2025-11-25', { state: 'expired', daysLeft: -365 }, 'expired 365 d ago'],
    ['2026-11-25', { state: 'soon', daysLeft: 0 }, 'expires today'],
    ['2026-12-25', { state: 'soon', daysLeft: 30 }, 'in 30 d'],
    ['2026-12-26', { state: 'ok', daysLeft: 31 }, 'in 31 d'],
    ['2027-06-30', { state: 'ok', daysLeft: 217 }, 'in 217 d'],
  ])('%s → %o (%s)', (expires, expected, text) => {
    const expiry = classifyExpiry(expires, NOW);
    expect(expiry).toEqual(expected);
    expect(describeExpiry(expiry)).toBe(text);
  });
});
