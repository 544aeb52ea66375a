import { createHmac } from 'node:crypto';

/** A subject's pseudonym: base64url(HMAC-SHA256(PSEUDONYM_KEY, subjectId)), 43 characters. */
export const pseudonymize = (key: string, subjectId: string): string =>
  createHmac('sha256', key).update(subjectId, 'utf8').digest('base64url');

/**
 * A pseudonymizer that remembers recent subjects: telemetry comes from few subjects many times,
 * and an HMAC costs more than the rest of the filter. The memory is cleared whole when full,
 * which bounds it without the bookkeeping of an LRU. It lives in this process only.
 */
export const createPseudonymizer = (key: string, maxRemembered = 100_000): ((subjectId: string) => string) => {
  if (key.length === 0) throw new Error('pseudonym key must not be empty');
  const remembered = new Map<string, string>();
  return (subjectId) => {
    let pseudonym = remembered.get(subjectId);
    if (pseudonym === undefined) {
      pseudonym = pseudonymize(key, subjectId);
      if (remembered.size >= maxRemembered) remembered.clear();
      remembered.set(subjectId, pseudonym);
    }
    return pseudonym;
  };
};
