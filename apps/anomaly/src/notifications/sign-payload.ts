import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-telemetry-signature';

/** `sha256=<hex HMAC-SHA256 of the exact body bytes>`, the shape GitHub and Stripe receivers expect. */
export const signPayload = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/** For receivers (and tests): constant-time comparison of a received signature header. */
export const verifySignature = (secret: string, body: string, header: string | undefined): boolean => {
  if (!header) return false;
  const expected = Buffer.from(signPayload(secret, body), 'utf8');
  const received = Buffer.from(header, 'utf8');
  return expected.length === received.length && timingSafeEqual(expected, received);
};
