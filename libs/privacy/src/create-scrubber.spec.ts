import { describe, expect, it } from 'vitest';
import { createScrubber, parseScrubRuleNames } from './create-scrubber';
import { DEFAULT_SCRUB_RULES, SCRUB_RULE_NAMES } from './scrub-rules';

const scrubber = createScrubber();
const scrub = (value: string) => {
  const hits: number[] = [];
  const result = scrubber.scrubValue(value, hits);
  const rules = scrubber.ruleNames.filter((_name, index) => (hits[index] ?? 0) > 0);
  return { result, rules };
};

describe('createScrubber: realistic PII is redacted or truncated', () => {
  it.each([
    ['contact john.doe+tag@example.co.uk now', 'contact [email] now', ['email']],
    ['mailto:ops@telemetry.dev', 'mailto:[email]', ['email']],
    ['client 192.168.1.77 connected', 'client 192.168.1.0/24 connected', ['ipv4']],
    ['10.0.0.1.', '10.0.0.0/24.', ['ipv4']],
    ['2001:0db8:85a3:0000:0000:8a2e:0370:7334', '2001:db8:85a3::/48', ['ipv6']],
    ['addr:2001:db8:85a3::8a2e:370:7334', 'addr:2001:db8:85a3::/48', ['ipv6']],
    ['from fe80::1ff:fe23:4567:890a today', 'from fe80:0:0::/48 today', ['ipv6']],
    ['+1 555 123 4567', '[phone]', ['phone']],
    ['+49 (0)30 1234567', '[phone]', ['phone']],
    ['(555) 123-4567', '[phone]', ['phone']],
    ['555-123-4567', '[phone]', ['phone']],
    ['555.123.4567', '[phone]', ['phone']],
    ['030 12345678', '[phone]', ['phone']],
    ['+4915112345678', '[phone]', ['phone']],
    ['06 12 34 56 78', '[phone]', ['phone']],
    ['call me at +44 20 7946 0958.', 'call me at [phone].', ['phone']],
    ['4111 1111 1111 1111', '[card]', ['card']],
    ['4111-1111-1111-1111', '[card]', ['card']],
    ['card=5555555555554444;', 'card=[card];', ['card']],
    ['amex 378282246310005', 'amex [card]', ['card']],
    ['Authorization: Bearer abcdefghijklmnop123==', 'Authorization: Bearer [token]', ['bearer']],
    ['Authorization: BeArEr\tabcdefghijklmnop123', 'Authorization: Bearer [token]', ['bearer']],
    ['authorization: bearer abc.def-ghi_jkl~mno', 'authorization: Bearer [token]', ['bearer']],
    [
      'token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok',
      'token [jwt] ok',
      ['jwt'],
    ],
    ['user bob@example.com from 203.0.113.9', 'user [email] from 203.0.113.0/24', ['email', 'ipv4']],
    ['::1', '0:0:0::/48', ['ipv6']],
    ['call 0049 30 12', 'call [phone]', ['phone']],
  ])('%s → %s', (input, expected, rules) => {
    expect(scrub(input)).toEqual({ result: expected, rules });
  });
});

describe('createScrubber: look-alikes are left alone', () => {
  it.each([
    'eu-west-1',
    '1.4.2',
    'v1.2.3.4.5',
    '200',
    'ios',
    '2026-11-25',
    '25.11.2026',
    '2026-11-25T04:21:57.123Z',
    '1234.5678',
    '1700000000000',
    'order-12345678',
    '4111111111111112',
    '1234567812345678',
    '12:30:45',
    '00:1a:2b:3c:4d:5e',
    '999.1.1.1',
    'x@y',
    'a@b.c',
    'Bearer short',
    'eyJ-not-a-token',
    'sha256:abcdef',
  ])('%s', (input) => {
    expect(scrub(input)).toEqual({ result: input, rules: [] });
  });
});

describe('createScrubber: pre-checks only skip rules that could not change the value', () => {
  // The same rules with every pre-check replaced by "always": any difference in output or hit
  // counts would be PII that a pre-check let through (or a rule it wrongly skipped).
  const unfiltered = createScrubber({
    rules: [],
    customRules: SCRUB_RULE_NAMES.map((name) => ({ ...DEFAULT_SCRUB_RULES[name], applies: () => true })),
  });
  const FRAGMENTS = [
    'bob@example.com', 'a@b.co', '@', '.', '..', ':', '::', '+', '00', ' ', '\t', '-', '/', '(', ')', '=', '_', '~',
    'Bearer ', 'bEaReR\t', 'BEARER  ', 'abcdefgh', 'eyJhbGciOi', 'eyJ', 'x.y', '192.168.1.7', '10.0.0.1', '1.2.3.', '255.',
    '2001:db8::1', 'fe80::', '::1', '::ffff:', '0db8:', '4111 1111 1111 1111', '5555555555554444', '378282246310005',
    '+49 30 1234567', '(555) ', '123-4567', '0', '1', '12', '123', '1234', '12345', 'a', 'f', 'ff', 'x', '.com', 'example',
  ];
  // A fixed seed: the same 20,000 values on every run, so a failure can be reproduced.
  let seed = 0x2545f491;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const values = Array.from({ length: 20_000 }, () => {
    let value = '';
    const parts = 1 + Math.floor(random() * 10);
    for (let part = 0; part < parts; part += 1) value += FRAGMENTS[Math.floor(random() * FRAGMENTS.length)] ?? '';
    return value;
  });

  it('gives the same result and hits as the rules run without pre-checks, on 20,000 generated values', () => {
    const differences: string[] = [];
    for (const value of values) {
      const hits: number[] = [];
      const reference: number[] = [];
      const result = scrubber.scrubValue(value, hits);
      const expected = unfiltered.scrubValue(value, reference);
      if (result !== expected || JSON.stringify(hits) !== JSON.stringify(reference)) differences.push(`${JSON.stringify(value)} → ${result} / ${expected}`);
    }
    expect(differences.slice(0, 5)).toEqual([]);
    // The generated values do exercise every rule.
    const totals: number[] = [];
    for (const value of values) unfiltered.scrubValue(value, totals);
    expect(SCRUB_RULE_NAMES.filter((_name, index) => (totals[index] ?? 0) === 0)).toEqual([]);
  });
});

describe('createScrubber: long pathological inputs are scanned in linear time', () => {
  // Catastrophic backtracking on any of these would take minutes; the timeout is the guard.
  const LENGTH = 200_000;
  it.each([
    ['local-part run without @', 'a'.repeat(LENGTH)],
    ['local-part run ending in @', `${'a'.repeat(LENGTH)}@`],
    ['@ and dots', '@a.'.repeat(LENGTH / 3)],
    ['one label after another', `a@${'b.'.repeat(LENGTH / 2)}`],
    ['digits', '1'.repeat(LENGTH)],
    ['spaced digits', '1 '.repeat(LENGTH / 2)],
    ['dotted digits', '1.'.repeat(LENGTH / 2)],
    ['international prefixes', '+1 '.repeat(LENGTH / 3)],
    ['parenthesized groups', '(1) '.repeat(LENGTH / 4)],
    ['hex and colons', 'a:'.repeat(LENGTH / 2)],
    ['double colons', 'f::'.repeat(LENGTH / 3)],
    ['jwt headers', 'eyJ'.repeat(LENGTH / 3)],
    ['jwt segments', 'eyJaaaa.'.repeat(LENGTH / 8)],
    ['bearer words', 'bearer '.repeat(LENGTH / 7)],
    ['card-like separators', '4-'.repeat(LENGTH / 2)],
  ])('%s', { timeout: 2_000 }, (_name, input) => {
    const hits: number[] = [];
    const result = scrubber.scrubValue(input, hits);
    expect(result.length).toBeGreaterThan(0);
    expect(result.length).toBeLessThanOrEqual(input.length + 16);
  });

  it('still finds PII at the end of a long value', { timeout: 2_000 }, () => {
    expect(scrub(`${'x '.repeat(100_000)}mail jane@example.org`).result.endsWith('mail [email]')).toBe(true);
  });
});

describe('createScrubber: configuration', () => {
  it('applies only the rules it was given', () => {
    const emailOnly = createScrubber({ rules: ['email'] });
    expect(emailOnly.ruleNames).toEqual(['email']);
    expect(emailOnly.scrubValue('bob@example.com 192.168.1.1', [])).toBe('[email] 192.168.1.1');
  });

  it('runs custom rules after the built-in ones and counts their hits', () => {
    const custom = createScrubber({
      rules: [],
      customRules: [{ name: 'iban', applies: () => true, pattern: /\bDE\d{20}\b/g, replace: () => '[iban]' }],
    });
    const hits: number[] = [];
    expect(custom.scrubValue('pay DE89370400440532013000 now', hits)).toBe('pay [iban] now');
    expect(hits).toEqual([1]);
  });

  it('refuses a custom rule without the global flag', () => {
    expect(() => createScrubber({ customRules: [{ name: 'x', applies: () => true, pattern: /x/, replace: () => '' }] })).toThrow(/global/);
  });

  it('returns the same attributes object when nothing matched, a copy otherwise', () => {
    const clean = { region: 'eu', code: 200, ok: true };
    expect(scrubber.scrubAttributes(clean, [])).toBe(clean);
    const dirty = { region: 'eu', user: 'bob@example.com' };
    expect(scrubber.scrubAttributes(dirty, [])).toEqual({ region: 'eu', user: '[email]' });
    expect(dirty.user).toBe('bob@example.com');
  });

  it.each([
    ['email, ipv4', ['email', 'ipv4']],
    ['', []],
  ])('parses rule names %j', (text, expected) => {
    expect(parseScrubRuleNames(text)).toEqual(expected);
  });

  it('names unknown rules', () => {
    expect(() => parseScrubRuleNames('email,ssn')).toThrow(/ssn/);
  });
});
