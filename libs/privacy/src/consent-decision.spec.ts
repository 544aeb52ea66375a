import type { ConsentRecord } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { isPurposeGranted, parsePurposeGrants } from './consent-decision';

const record = (purposes: Record<string, boolean>): ConsentRecord => ({ subject: 'p', purposes, at: '2026-01-01T00:00:00Z' });

describe('isPurposeGranted', () => {
  it.each([
    ['no record', undefined, 'analytics', false],
    ['purpose absent', record({ performance: true }), 'analytics', false],
    ['purpose refused', record({ analytics: false }), 'analytics', false],
    ['purpose granted', record({ analytics: true }), 'analytics', true],
    ['inherited name is not a grant', record({}), 'toString', false],
  ] as const)('%s → %s', (_case, consent, purpose, expected) => {
    expect(isPurposeGranted(consent, purpose)).toBe(expected);
  });
});

describe('parsePurposeGrants', () => {
  it('reads purpose=true|false arguments', () => {
    expect(parsePurposeGrants(['analytics=true', 'performance=false'])).toEqual({ analytics: true, performance: false });
  });

  it.each([
    [['analytics'], /expected purpose=true\|false/],
    [['analytics=yes'], /expected purpose=true\|false/],
    [['analytics=true', 'analytics=false'], /given twice/],
    [[], /no purpose/],
    [['__proto__=true'], /expected purpose/],
  ])('refuses %j', (args, message) => {
    expect(() => parsePurposeGrants(args)).toThrow(message);
  });
});
