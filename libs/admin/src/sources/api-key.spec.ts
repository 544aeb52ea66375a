import { describe, expect, it } from 'vitest';
import { generateApiKey, hashKeySecret, parseApiKey, verifyKeySecret } from './api-key';

const keyId = '0123456789abcdef';
const secret = 'a'.repeat(64);

describe('parseApiKey', () => {
  it.each([
    ['a well-formed key', `tlm_${keyId}_${secret}`, { keyId, secret }],
    ['a missing prefix', `${keyId}_${secret}`, null],
    ['another prefix', `abc_${keyId}_${secret}`, null],
    ['a short key id', `tlm_0123_${secret}`, null],
    ['a short secret', `tlm_${keyId}_${'a'.repeat(63)}`, null],
    ['upper-case hex', `tlm_${keyId.toUpperCase()}_${secret}`, null],
    ['trailing characters', `tlm_${keyId}_${secret}x`, null],
    ['the empty string', '', null],
  ])('%s', (_label, apiKey, expected) => {
    expect(parseApiKey(apiKey)).toEqual(expected);
  });

  it('parses every generated key back into its parts', () => {
    const generated = generateApiKey();
    expect(parseApiKey(generated.apiKey)).toEqual({ keyId: generated.keyId, secret: generated.secret });
  });
});

describe('hashKeySecret / verifyKeySecret', () => {
  it('accepts the secret that was hashed and refuses others', async () => {
    const stored = await hashKeySecret(secret);
    expect(stored).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain(secret);
    await expect(verifyKeySecret(secret, stored)).resolves.toBe(true);
    await expect(verifyKeySecret('b'.repeat(64), stored)).resolves.toBe(false);
  });

  it('salts each hash, so equal secrets give different hashes', async () => {
    expect(await hashKeySecret(secret)).not.toBe(await hashKeySecret(secret));
  });

  it.each([
    ['another algorithm', 'bcrypt$x$y'],
    ['missing fields', 'scrypt$16384$8$1$'],
    ['a truncated hash', 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA'],
    ['non-numeric cost', 'scrypt$n$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  ])('refuses a stored hash with %s', async (_label, stored) => {
    await expect(verifyKeySecret(secret, stored)).resolves.toBe(false);
  });
});
