import { describe, expect, it } from 'vitest';
import { API_TOKEN_PREFIX, generateApiToken, hashApiToken, secretsEqual } from './api-token-secret';

describe('API token secrets', () => {
  it('generates distinct prefixed tokens with 256 random bits', () => {
    const tokens = new Set(Array.from({ length: 100 }, generateApiToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(token).toMatch(new RegExp(`^${API_TOKEN_PREFIX}[A-Za-z0-9_-]{43}$`));
  });

  it.each([
    ['tlm_a', 'tlm_a', true],
    ['tlm_a', 'tlm_b', false],
    ['short', 'a much longer secret', false],
    ['', '', true],
  ])('secretsEqual(%j, %j) is %s', (a, b, equal) => {
    expect(secretsEqual(a, b)).toBe(equal);
  });

  it.each([['tlm_a'], ['tlm_b']])('hashes %s to 64 hex characters that do not contain it', (token) => {
    const hash = hashApiToken(token);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).toBe(hashApiToken(token));
    expect(hash).not.toContain(token);
  });
});
