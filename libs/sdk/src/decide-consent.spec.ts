import { describe, expect, it } from 'vitest';
import { decideConsent, type ConsentDecision } from './decide-consent';

describe('decideConsent', () => {
  it.each<[string, string, Record<string, boolean> | undefined, 'drop' | 'hold', ConsentDecision]>([
    ['machine telemetry needs no consent', 'none', undefined, 'drop', 'send'],
    ['a granted purpose is sent', 'analytics', { analytics: true }, 'drop', 'send'],
    ['an undecided purpose is dropped by default', 'analytics', { performance: true }, 'drop', 'drop'],
    ['an undecided purpose is held when asked to', 'analytics', { performance: true }, 'hold', 'hold'],
    ['an unknown subject counts as undecided', 'analytics', undefined, 'hold', 'hold'],
    ['a refused purpose is dropped even when holding', 'analytics', { analytics: false }, 'hold', 'drop'],
    ['another purpose being granted does not count', 'crash', { analytics: true }, 'drop', 'drop'],
  ])('%s', (_name, purpose, granted, ungranted, expected) => {
    expect(decideConsent(purpose, granted, ungranted)).toBe(expected);
  });
});
