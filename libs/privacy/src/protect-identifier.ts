import type { Scrubber } from './create-scrubber';

const UUID_LENGTH = 36;

const isHexDigit = (code: number): boolean => (code >= 48 && code <= 57) || ((code | 32) >= 97 && (code | 32) <= 102);

/** 8-4-4-4-12 hex digits, any version and letter case. */
export const isCanonicalUuid = (value: string): boolean => {
  if (value.length !== UUID_LENGTH) return false;
  for (let index = 0; index < UUID_LENGTH; index += 1) {
    const code = value.charCodeAt(index);
    const isDashPosition = index === 8 || index === 13 || index === 18 || index === 23;
    if (isDashPosition ? code !== 45 : !isHexDigit(code)) return false;
  }
  return true;
};

/**
 * Whether a scrub rule would change an identifier. A canonical UUID never counts: it is the
 * contract's id format and ingest's source id, and about 1 in 280 random UUIDs has a digit run that
 * the card or phone rule takes for a number (a UUID can hold no e-mail, address or token), so
 * treating those as PII would alter legitimate ids and dead-letter legitimate sources. The check
 * also skips the rules' pattern scans, which a UUID's 20-odd digits would otherwise start.
 */
export const identifierHoldsPii = (identifier: string, scrubber: Scrubber, hits: number[]): boolean =>
  !isCanonicalUuid(identifier) && scrubber.scrubValue(identifier, hits) !== identifier;

/**
 * The identifier as it may leave the filter: itself, or its keyed hash when a scrub rule would change
 * it. Redacting instead would merge distinct ids ("signup-[email]") and break idempotency.
 */
export const protectIdentifier = (identifier: string, scrubber: Scrubber, hashIdentifier: (identifier: string) => string, hits: number[]): string =>
  identifierHoldsPii(identifier, scrubber, hits) ? hashIdentifier(identifier) : identifier;
