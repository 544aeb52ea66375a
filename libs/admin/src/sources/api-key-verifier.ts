import { DatabaseUnavailableError } from '@telemetry/contracts';
import { parseApiKey, verifyKeySecret } from './api-key';
import { findSourceByKeyId, type SourcesDatabase } from './sources.repository';

export interface VerifiedSource {
  sourceId: string;
  sourceName: string;
}

export interface ApiKeyVerifierOptions {
  /** How long a verified key is trusted without asking the database: the upper bound on revocation delay. */
  positiveTtlMs: number;
  /** How long a refused key stays refused without a lookup: blunts brute force and floods of bad keys. */
  negativeTtlMs: number;
  /** Bound on remembered keys, so a flood of random keys cannot grow memory without limit. */
  maxEntries: number;
  /**
   * scrypt hashes computed at once; more wait their turn. Someone who knows a key id and tries
   * secrets gets one slow hash per guess, and this caps the CPU those guesses take (cached keys
   * never wait: they skip the hash).
   */
  maxConcurrentHashes?: number;
  now?: () => number;
}

export const DEFAULT_API_KEY_VERIFIER_OPTIONS: ApiKeyVerifierOptions = {
  positiveTtlMs: 5_000,
  negativeTtlMs: 2_000,
  maxEntries: 10_000,
  maxConcurrentHashes: 2,
};

export interface ApiKeyVerifier {
  /** The source the key belongs to, or null for an unknown, malformed, wrong or revoked key. */
  verify(apiKey: string): Promise<VerifiedSource | null>;
  /** Forget everything cached (tests, or after an operator revoked a key and wants it effective now). */
  clear(): void;
}

interface CacheEntry {
  source: VerifiedSource | null;
  expiresAtMs: number;
}

/**
 * Verifies API keys against the sources table with a short-lived cache in front: the scrypt
 * hash is paid once per key per positiveTtlMs, and concurrent first requests with the same key
 * share one lookup.
 */
export const createApiKeyVerifier = (
  db: SourcesDatabase,
  options: ApiKeyVerifierOptions = DEFAULT_API_KEY_VERIFIER_OPTIONS,
): ApiKeyVerifier => {
  const now = options.now ?? Date.now;
  const cache = new Map<string, CacheEntry>();
  const inFlight = new Map<string, Promise<VerifiedSource | null>>();
  const maxConcurrentHashes = options.maxConcurrentHashes ?? DEFAULT_API_KEY_VERIFIER_OPTIONS.maxConcurrentHashes ?? 2;
  let hashing = 0;
  const waiting: (() => void)[] = [];
  const withHashSlot = async <T>(work: () => Promise<T>): Promise<T> => {
    if (hashing < maxConcurrentHashes) hashing++;
    // A freed slot is handed straight to the next waiter, so the count never overshoots.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await work();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else hashing--;
    }
  };

  const remember = (apiKey: string, source: VerifiedSource | null) => {
    if (cache.size >= options.maxEntries) {
      // Maps iterate in insertion order: the first key is the oldest entry.
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(apiKey, { source, expiresAtMs: now() + (source ? options.positiveTtlMs : options.negativeTtlMs) });
  };

  const lookUp = async (apiKey: string): Promise<VerifiedSource | null> => {
    const parts = parseApiKey(apiKey);
    if (!parts) return null;
    let row;
    try {
      row = await findSourceByKeyId(db, parts.keyId);
    } catch (error) {
      throw new DatabaseUnavailableError('could not look up the API key', { cause: error });
    }
    if (!row || row.revoked_at !== null) return null;
    const matches = await withHashSlot(() => verifyKeySecret(parts.secret, row.key_hash));
    return matches ? { sourceId: row.id, sourceName: row.name } : null;
  };

  return {
    verify: async (apiKey) => {
      const entry = cache.get(apiKey);
      if (entry) {
        if (entry.expiresAtMs > now()) return entry.source;
        cache.delete(apiKey);
      }
      const pending = inFlight.get(apiKey);
      if (pending) return pending;
      const lookup = lookUp(apiKey)
        .then((source) => {
          remember(apiKey, source);
          return source;
        })
        .finally(() => inFlight.delete(apiKey));
      inFlight.set(apiKey, lookup);
      return lookup;
    },
    clear: () => cache.clear(),
  };
};
