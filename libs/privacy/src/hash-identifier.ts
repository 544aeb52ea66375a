import { createHmac, hkdfSync } from 'node:crypto';

/** Marks an identifier the filter replaced by its keyed hash ("h:" + 43 base64url characters). */
export const HASHED_IDENTIFIER_PREFIX = 'h:';

/**
 * The hash key is derived from PSEUDONYM_KEY with HKDF rather than used as it is: pseudonyms are
 * HMAC(PSEUDONYM_KEY, subjectId) over any string a sender chooses, so with the same key an id's hash
 * would equal the pseudonym of a subject spelled like it, and a key derived as HMAC(PSEUDONYM_KEY,
 * label) would be the published pseudonym of a subject named like the label.
 */
const HKDF_SALT = 'telemetry';
const HKDF_INFO = 'identifier-hash/v1';

/**
 * Replaces an identifier (event id, source id) by HMAC-SHA256 under a key derived from
 * PSEUDONYM_KEY: the same identifier always gives the same hash, so a replayed event keeps its
 * idempotency key, and distinct identifiers stay distinct.
 */
export const createIdentifierHasher = (pseudonymKey: string): ((identifier: string) => string) => {
  if (pseudonymKey.length === 0) throw new Error('pseudonym key must not be empty');
  const key = Buffer.from(hkdfSync('sha256', pseudonymKey, HKDF_SALT, HKDF_INFO, 32));
  return (identifier) => `${HASHED_IDENTIFIER_PREFIX}${createHmac('sha256', key).update(identifier, 'utf8').digest('base64url')}`;
};
