import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { installHardwareCrc32c } from './install-hardware-crc32c';

const requireHere = createRequire(__filename);
type Crc32c = (buffer: Buffer) => number;

/** kafkajs's own table-driven CRC-32C, loaded from its source file (not through the module it replaces). */
const referenceCrc32c: Crc32c = (() => {
  const byteWise = requireHere('kafkajs/src/protocol/recordBatch/crc32C/crc32C.js') as Crc32c;
  return (buffer) => byteWise(buffer) >>> 0;
})();

describe('installHardwareCrc32c', () => {
  it('gives kafkajs record batches the native CRC-32C', () => {
    expect(installHardwareCrc32c()).toBe(true);
    const used = requireHere('kafkajs/src/protocol/recordBatch/crc32C/index.js') as Crc32c;
    // The standard check value of CRC-32C (RFC 3720): "123456789" → 0xE3069283.
    expect(used(Buffer.from('123456789'))).toBe(0xe3069283);
    for (const size of [0, 1, 7, 8, 63, 4_096, 176_013]) {
      const buffer = randomBytes(size);
      expect(used(buffer)).toBe(referenceCrc32c(buffer));
    }
  });

  it('encodes the same record batch bytes as kafkajs with its own checksum', async () => {
    const { RecordBatch } = requireHere('kafkajs/src/protocol/recordBatch/v0/index.js') as {
      RecordBatch: (options: { records: unknown[]; firstTimestamp: number; maxTimestamp: number }) => Promise<{ buffer: Buffer }>;
    };
    const Record = requireHere('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (message: { key: Buffer; value: Buffer }) => unknown;
    const batch = (await RecordBatch({ records: [Record({ key: Buffer.from('k'), value: randomBytes(10_000) })], firstTimestamp: 1, maxTimestamp: 1 })).buffer;
    // firstOffset (8) + length (4) + partitionLeaderEpoch (4) + magic (1), then the CRC over the rest.
    expect(batch.readUInt32BE(17)).toBe(referenceCrc32c(batch.subarray(21)));
  });
});
