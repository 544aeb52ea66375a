interface CryptoLike {
  randomUUID?: () => string;
  getRandomValues: <T extends Uint8Array>(array: T) => T;
}

/**
 * A random (v4) UUID: the event's idempotency key at ingest. `randomUUID` exists only in secure
 * contexts (https, localhost); plain-http pages get the same format from getRandomValues.
 */
export const createEventId = (): string => {
  const cryptoApi = (globalThis as { crypto?: CryptoLike }).crypto;
  if (cryptoApi === undefined) throw new Error('@telemetry/sdk needs the Web Crypto API (globalThis.crypto)');
  if (typeof cryptoApi.randomUUID === 'function') return cryptoApi.randomUUID();
  const bytes = cryptoApi.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
