import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * API keys look like `tlm_<keyId>_<secret>`: the key id (16 hex characters) finds the source's row
 * without revealing anything; the secret (64 hex characters, 256 random bits) is checked against a
 * slow hash. Only the hash is stored — a stolen table yields no usable key.
 */
export const API_KEY_PREFIX = 'tlm_';
const KEY_ID_HEX_LENGTH = 16;
const SECRET_HEX_LENGTH = 64;
const API_KEY_PATTERN = new RegExp(`^${API_KEY_PREFIX}([0-9a-f]{${KEY_ID_HEX_LENGTH}})_([0-9a-f]{${SECRET_HEX_LENGTH}})$`);

export interface ApiKeyParts {
  keyId: string;
  secret: string;
}

export const generateApiKey = (): ApiKeyParts & { apiKey: string } => {
  const keyId = randomBytes(KEY_ID_HEX_LENGTH / 2).toString('hex');
  const secret = randomBytes(SECRET_HEX_LENGTH / 2).toString('hex');
  return { keyId, secret, apiKey: `${API_KEY_PREFIX}${keyId}_${secret}` };
};

/** The key's parts, or null when it is not shaped like one of our keys (no database lookup needed). */
export const parseApiKey = (apiKey: string): ApiKeyParts | null => {
  const match = API_KEY_PATTERN.exec(apiKey);
  if (!match?.[1] || !match[2]) return null;
  return { keyId: match[1], secret: match[2] };
};

/** scrypt cost: ~50 ms per hash on one core; verified keys are cached, so it is paid once per key per cache period. */
const SCRYPT_COST = { N: 16_384, r: 8, p: 1 } as const;
const HASH_BYTES = 32;
const SALT_BYTES = 16;

const scryptAsync = (secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(secret, salt, HASH_BYTES, options, (error, derived) => (error ? reject(error) : resolve(derived)));
  });

/** `scrypt$N$r$p$salt$hash` (base64): the parameters travel with the hash, so they can be raised later. */
export const hashKeySecret = async (secret: string): Promise<string> => {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(secret, salt, SCRYPT_COST);
  return ['scrypt', SCRYPT_COST.N, SCRYPT_COST.r, SCRYPT_COST.p, salt.toString('base64'), hash.toString('base64')].join('$');
};

/** Constant-time comparison of the secret's hash with the stored one; false for a malformed stored hash. */
export const verifyKeySecret = async (secret: string, storedHash: string): Promise<boolean> => {
  const [algorithm, n, r, p, saltBase64, hashBase64] = storedHash.split('$');
  if (algorithm !== 'scrypt' || !saltBase64 || !hashBase64) return false;
  const expected = Buffer.from(hashBase64, 'base64');
  const cost = { N: Number(n), r: Number(r), p: Number(p) };
  if (expected.length !== HASH_BYTES || !Number.isInteger(cost.N) || !Number.isInteger(cost.r) || !Number.isInteger(cost.p)) {
    return false;
  }
  const actual = await scryptAsync(secret, Buffer.from(saltBase64, 'base64'), { ...cost, maxmem: 256 * cost.N * cost.r });
  return timingSafeEqual(actual, expected);
};
