import { describe, expect, it } from 'vitest';
import { bearerToken } from './principal';

describe('bearerToken', () => {
  it.each([
    ['Bearer tlm_abc', 'tlm_abc'],
    ['bearer tlm_abc', 'tlm_abc'],
    ['Bearer   tlm_abc  ', 'tlm_abc'],
    ['Bearer', undefined],
    ['Basic dXNlcjpwYXNz', undefined],
    ['Bearer a b', undefined],
    ['tlm_abc', undefined],
    [undefined, undefined],
    [42, undefined],
  ])('%j → %j', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });
});
