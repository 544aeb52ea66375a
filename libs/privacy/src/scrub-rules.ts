import { truncateIpv4, truncateIpv6 } from './ip-address';
import { passesLuhn } from './luhn';

/**
 * The PII rules attribute values are scanned with. Every pattern is compiled once and written so
 * that the work per start position is bounded (bounded quantifiers, look-behinds that let a match
 * start only at the beginning of a run, no nested unbounded repetition): scanning stays linear in
 * the input, whatever the input. `replace` sees each candidate and returns it unchanged when the
 * check behind the pattern (Luhn, octet range, digit count) says it is not PII.
 */
/**
 * What one pass over a value finds, so that most rules are skipped without running their pattern.
 * Each rule's `applies` must be a necessary condition for its pattern and check to change the value
 * (create-scrubber.spec.ts compares against the rules run without it), never a guess.
 */
export interface ScrubFeatures {
  readonly digits: number;
  readonly at: boolean;
  readonly colons: number;
  readonly dots: number;
  /** A space or a tab. */
  readonly blank: boolean;
  readonly plus: boolean;
}

export interface ScrubRule {
  readonly name: string;
  /** A cheap test that must hold before the pattern runs (most values hold no PII). */
  readonly applies: (value: string, features: ScrubFeatures) => boolean;
  /** Global: every match in the value is offered to `replace`. */
  readonly pattern: RegExp;
  readonly replace: (match: string) => string;
}

export const SCRUB_RULE_NAMES = ['bearer', 'jwt', 'email', 'card', 'ipv6', 'ipv4', 'phone'] as const;
export type ScrubRuleName = (typeof SCRUB_RULE_NAMES)[number];

const NON_DIGIT = /\D/g;
const BEARER_WORD = /bearer/i;
const PHONE_SEPARATORS = /[ .\-/]+/;

const isPhoneNumber = (candidate: string): boolean => {
  const digits = candidate.replace(NON_DIGIT, '').length;
  if (candidate.startsWith('+') || candidate.startsWith('00')) return digits >= 7 && digits <= 15;
  if (digits < 8 || digits > 15) return false;
  const groups = candidate.split(PHONE_SEPARATORS);
  // Dates (2026-11-25, 25.11.2026) and decimals (1234.5678) have the shape of national numbers;
  // a national number has groups of three or more digits, or at least four groups (06 12 34 56 78).
  if (!/[ \-/]/.test(candidate) && groups.length < 3) return false;
  const groupDigits = groups.map((group) => group.replace(NON_DIGIT, '').length);
  // Four or more groups of at least two digits is a spaced national number; a truncated IPv4
  // address ("10.1.2.0/24", left by the ipv4 rule) always has a one-digit group.
  return groupDigits.every((length) => length >= 3) || (groups.length >= 4 && groupDigits.every((length) => length >= 2));
};

/** Major card networks start with 2-6 (Mastercard 2/5, Amex/Diners/JCB 3, Visa 4, Discover/UnionPay 6). */
const isCardNumber = (candidate: string): boolean => {
  const digits = candidate.replace(NON_DIGIT, '');
  const first = digits.charCodeAt(0) - 48;
  return digits.length >= 13 && digits.length <= 19 && first >= 2 && first <= 6 && passesLuhn(digits);
};

const withIpv6 = (candidate: string): string => {
  // The run may carry a sentence's full stop, or start at a separating colon ("addr:2001:db8::1").
  const trailing = /\.+$/.exec(candidate)?.[0] ?? '';
  let core = candidate.slice(0, candidate.length - trailing.length);
  let leading = '';
  if (core.startsWith(':') && !core.startsWith('::')) {
    leading = ':';
    core = core.slice(1);
  }
  const truncated = truncateIpv6(core);
  return truncated === null ? candidate : `${leading}${truncated}${trailing}`;
};

export const DEFAULT_SCRUB_RULES: Readonly<Record<ScrubRuleName, ScrubRule>> = {
  bearer: {
    name: 'bearer',
    // "bearer", a blank and at least 8 token characters; any letter case (the pattern is case-insensitive).
    applies: (value, features) => features.blank && value.length >= 15 && BEARER_WORD.test(value),
    pattern: /(?<![A-Za-z])bearer[ \t]{1,8}[A-Za-z0-9\-._~+/]{8,}=*/gi,
    replace: () => 'Bearer [token]',
  },
  jwt: {
    name: 'jwt',
    applies: (value, features) => features.dots >= 2 && value.includes('eyJ'),
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    replace: () => '[jwt]',
  },
  email: {
    name: 'email',
    applies: (_value, features) => features.at && features.dots >= 1,
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9-])/g,
    replace: () => '[email]',
  },
  card: {
    name: 'card',
    applies: (_value, features) => features.digits >= 13,
    pattern: /(?<![\d+-])(?:\d[ -]?){12,18}\d(?!\d)/g,
    replace: (match) => (isCardNumber(match) ? '[card]' : match),
  },
  ipv6: {
    name: 'ipv6',
    // Every IPv6 address has "::" or seven colons (five before an IPv4 tail).
    applies: (_value, features) => features.colons >= 2,
    pattern: /(?<![0-9A-Fa-f:.])(?=[0-9A-Fa-f]{0,4}:)[0-9A-Fa-f:.]{3,45}(?![\w:])/g,
    replace: withIpv6,
  },
  ipv4: {
    name: 'ipv4',
    applies: (_value, features) => features.digits >= 4 && features.dots >= 3,
    pattern: /(?<!\d|\d\.)(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)/g,
    replace: (match) => truncateIpv4(match) ?? match,
  },
  phone: {
    name: 'phone',
    // isPhoneNumber: 8 digits, or 7 after "+" or "00".
    applies: (value, features) => features.digits >= 8 || (features.digits === 7 && (features.plus || value.includes('00'))),
    pattern: /(?<![\w+.\-/])(?:\+\d{8,15}|(?:\+|00)?(?:\(\d{1,5}\)\d{0,8}|\d{1,8})(?:[ .\-/]{1,2}(?:\(\d{1,5}\)\d{0,8}|\d{1,8})){1,6})(?!\w)/g,
    replace: (match) => (isPhoneNumber(match) ? '[phone]' : match),
  },
};

/**
 * Whether any built-in rule's `applies` may hold, written out in one monomorphic check: most values
 * (region names, versions, paths) fail it, and then no rule is asked at all.
 */
export const mayHoldBuiltInPii = (value: string, features: ScrubFeatures): boolean =>
  features.digits >= 7 ||
  features.colons >= 2 ||
  (features.at && features.dots >= 1) ||
  (features.digits >= 4 && features.dots >= 3) ||
  (features.dots >= 2 && value.includes('eyJ')) ||
  (features.blank && value.length >= 15 && BEARER_WORD.test(value));
