import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from './sign-payload';

const SECRET = 'a-webhook-secret-of-some-length';
const BODY = '{"event":"incident.opened"}';

describe('signPayload', () => {
  it('is the hex HMAC-SHA256 of the body under the secret, prefixed sha256=', () => {
    expect(signPayload(SECRET, BODY)).toBe(`sha256=${createHmac('sha256', SECRET).update(BODY).digest('hex')}`);
  });

  it.each([
    ['the right secret and body', SECRET, BODY, signPayload(SECRET, BODY), true],
    ['another secret', 'another-secret-entirely', BODY, signPayload(SECRET, BODY), false],
    ['a changed body', SECRET, `${BODY} `, signPayload(SECRET, BODY), false],
    ['a missing header', SECRET, BODY, undefined, false],
    ['a truncated header', SECRET, BODY, signPayload(SECRET, BODY).slice(0, 20), false],
  ])('verifies with %s: %s', (_name, secret, body, header, expected) => {
    expect(verifySignature(secret, body, header)).toBe(expected);
  });
});
