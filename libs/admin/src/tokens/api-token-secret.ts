import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const API_ROLES = ['viewer', 'admin'] as const;
export type ApiRole = (typeof API_ROLES)[number];

/** Recognisable in logs and secret scanners; the rest is 256 random bits. */
export const API_TOKEN_PREFIX = 'tlm_';

export const generateApiToken = (): string => `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;

/**
 * SHA-256, not a slow hash: a token carries 256 random bits, so there is nothing to brute-force,
 * and a deterministic hash lets verification look the token up by its hash (api_tokens.token_hash is unique).
 */
export const hashApiToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/** Constant-time comparison of two secrets of any length (their hashes have equal length). */
export const secretsEqual = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest());
