import { createHmac, hkdfSync } from 'node:crypto';
import { DEFAULT_EVENT_LIMITS } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { createIdentifierHasher, HASHED_IDENTIFIER_PREFIX } from './hash-identifier';
import { pseudonymize } from './pseudonymize';

const KEY = 'k'.repeat(32);

describe('createIdentifierHasher', () => {
  it('is "h:" + base64url(HMAC-SHA256(HKDF-SHA256(key, salt "telemetry", info "identifier-hash/v1"), identifier))', () => {
    const derived = Buffer.from(hkdfSync('sha256', KEY, 'telemetry', 'identifier-hash/v1', 32));
    const expected = `h:${createHmac('sha256', derived).update('signup-bob@example.com', 'utf8').digest('base64url')}`;
    expect(createIdentifierHasher(KEY)('signup-bob@example.com')).toBe(expected);
  });

  // Computed apart from Node (Python hmac + hashlib, HKDF written out). A replay after an upgrade must keep its idempotency key.
  it('stays the same across releases', () => {
    expect(createIdentifierHasher(KEY)('signup-bob@example.com')).toBe('h:b7ZySDjwjuHrpbTyDLpWdpoqJFfm0zTebFf4EcUypEw');
  });

  it('gives the same identifier the same hash and different identifiers different ones', () => {
    const hash = createIdentifierHasher(KEY);
    const ids = ['signup-bob@example.com', 'signup-Bob@example.com', 'signup-bob@example.co', 'signup-bob@example.com '];
    expect(ids.map(hash)).toEqual(ids.map(createIdentifierHasher(KEY)));
    expect(new Set(ids.map(hash)).size).toBe(ids.length);
  });

  it('depends on the key', () => {
    expect(createIdentifierHasher('a'.repeat(32))('x@example.com')).not.toBe(createIdentifierHasher('b'.repeat(32))('x@example.com'));
  });

  it.each(['bob@example.com', 'telemetry', 'identifier-hash/v1'])('is not the pseudonym of a subject spelled the same (%s)', (text) => {
    const hash = createIdentifierHasher(KEY)(text);
    expect(hash.slice(HASHED_IDENTIFIER_PREFIX.length)).not.toBe(pseudonymize(KEY, text));
  });

  it('fits in an event id (45 characters)', () => {
    const hash = createIdentifierHasher(KEY)('x'.repeat(10_000));
    expect(hash).toMatch(/^h:[A-Za-z0-9_-]{43}$/);
    expect(hash.length).toBeLessThanOrEqual(DEFAULT_EVENT_LIMITS.maxIdLength);
  });

  it('refuses an empty key', () => {
    expect(() => createIdentifierHasher('')).toThrow(/empty/);
  });
});
