import { createRequire, Module } from 'node:module';

/**
 * kafkajs checksums every record batch it produces with a CRC-32C written in JavaScript, a byte at
 * a time: about 0.8 ms for one 176 KB ingest request here, the largest single cost of producing
 * large messages (more than validating the 1,000 events inside). kafkajs has no option for it and
 * loads its checksum module lazily, on the first produce; so this puts @node-rs/crc32's crc32c
 * (SSE4.2 / ARMv8 CRC instructions; same polynomial, same result) in Node's module cache under
 * that module's path before then. The broker verifies each batch's CRC on append: a wrong
 * checksum would fail the produce, not slip through.
 *
 * kafkajs keeps its own checksum when the native binding is missing for the platform, or when it
 * already loaded its record-batch encoder (which captured the function it had).
 */
const requireHere = createRequire(__filename);
const KAFKAJS_CRC32C_MODULE = 'kafkajs/src/protocol/recordBatch/crc32C/index.js';
const KAFKAJS_RECORD_BATCH_MODULE = 'kafkajs/src/protocol/recordBatch/v0/index.js';

export type Crc32c = (buffer: Buffer) => number;
/** CRC-32C continued over more bytes: crc32cFrom(b, crc32cFrom(a, 0)) is the CRC of a then b. */
export type Crc32cFrom = (buffer: Buffer, previous: number) => number;

const loadNativeCrc32c = (): Crc32cFrom | null => {
  try {
    const { crc32c } = requireHere('@node-rs/crc32') as typeof import('@node-rs/crc32');
    return (buffer, previous) => crc32c(buffer, previous) >>> 0;
  } catch {
    return null;
  }
};

/** The native CRC-32C, or null where @node-rs/crc32 has no binding for the platform. */
export const nativeCrc32cFrom = loadNativeCrc32c();
const nativeCrc32c: Crc32c | null = nativeCrc32cFrom && ((buffer) => nativeCrc32cFrom(buffer, 0));

/** Idempotent. Says whether kafkajs's record batches now use the native checksum. */
export const installHardwareCrc32c = (): boolean => {
  const crcPath = requireHere.resolve(KAFKAJS_CRC32C_MODULE);
  const loaded = requireHere.cache[crcPath];
  if (loaded) return nativeCrc32c !== null && loaded.exports === nativeCrc32c;
  if (!nativeCrc32c || requireHere.cache[requireHere.resolve(KAFKAJS_RECORD_BATCH_MODULE)]) return false;
  const entry = new Module(crcPath);
  entry.filename = crcPath;
  entry.loaded = true;
  entry.exports = nativeCrc32c;
  requireHere.cache[crcPath] = entry;
  return true;
};
