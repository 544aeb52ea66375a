import { createRequire } from 'node:module';
import { nativeCrc32cFrom } from './install-hardware-crc32c';

/**
 * kafkajs builds a produce request by nesting encoders — record, record batch, partition, topic,
 * request, size prefix — and each level copied the level below into a buffer it grew by
 * allocating a zero-filled one of twice the size. A 176 KB ingest request was copied and
 * zero-filled ten times on its way to the socket. Beyond the copying itself, every large Buffer
 * counts as external memory, and V8 answers external memory growth with full garbage
 * collections: at 1,000 requests/s the ingest ran one every 100 ms, a quarter of its CPU.
 *
 * This teaches kafkajs's Encoder (patched on its prototype, so it works whenever kafkajs was
 * loaded) to keep large parts by reference: a Buffer or nested encoder of at least ADOPT_BYTES
 * is appended as a chunk instead of copied, small writes go to chunks allocated without
 * zero-filling, and `.buffer` joins the chunks once (then keeps the joined buffer as its only
 * chunk). The record batch, whose checksum covered a joined copy, is checksummed chunk by chunk.
 * A produce request's messages are then copied once, into the buffer written to the socket.
 * The bytes are the same as kafkajs's own: install-chunked-encoder.spec.ts compares them.
 *
 * Referencing the caller's buffers is safe: kafkajs encoders are append-only, and a message's
 * value is not modified while its send() is pending. kafkajs 2.2.4 is the last release (the
 * project is unmaintained), so the internals patched here do not move; another version is left
 * alone (installChunkedEncoder returns false, which its spec turns into a failure).
 */
const requireHere = createRequire(__filename);
const SUPPORTED_KAFKAJS_VERSION = '2.2.4';

/** Parts at least this large are referenced rather than copied; below it a copy is cheaper. */
export const ADOPT_BYTES = 2_048;
/** Size of a fresh chunk for small writes. */
const CHUNK_BYTES = 1_024;

/** kafkajs's Encoder state as its own methods see it (`buf`, `offset`) plus the chunk list. */
interface ChunkedEncoder {
  buf: Buffer;
  offset: number;
  /** Where the unsealed bytes begin in `buf`: bytes before it were sealed into `chunks`. */
  start?: number;
  /** Sealed parts, in order, before buf[start, offset). */
  chunks?: Buffer[];
  chunkBytes?: number;
  writeInt8(value: number): ChunkedEncoder;
  writeInt16(value: number): ChunkedEncoder;
  writeInt32(value: number): ChunkedEncoder;
  writeUInt32(value: number): ChunkedEncoder;
  writeInt64(value: unknown): ChunkedEncoder;
  writeEncoder(value: ChunkedEncoder): ChunkedEncoder;
  writeEncoderArray(value: ChunkedEncoder[]): ChunkedEncoder;
  size(): number;
}

type EncoderClass = { new (): ChunkedEncoder; prototype: Record<string | symbol, unknown> };

const PATCHED = Symbol.for('telemetry.kafkajs.chunkedEncoder');

const seal = (encoder: ChunkedEncoder): void => {
  const start = encoder.start ?? 0;
  if (encoder.offset === start) return;
  (encoder.chunks ??= []).push(encoder.buf.subarray(start, encoder.offset));
  encoder.chunkBytes = (encoder.chunkBytes ?? 0) + encoder.offset - start;
  encoder.start = encoder.offset;
};

const append = (encoder: ChunkedEncoder, part: Buffer): void => {
  seal(encoder);
  (encoder.chunks ??= []).push(part);
  encoder.chunkBytes = (encoder.chunkBytes ?? 0) + part.length;
};

/** The encoder's bytes as a list of parts, without copying. */
const partsOf = (encoder: ChunkedEncoder): Buffer[] => {
  const start = encoder.start ?? 0;
  const current = encoder.offset > start ? [encoder.buf.subarray(start, encoder.offset)] : [];
  return encoder.chunks ? [...encoder.chunks, ...current] : current;
};

const sizeOf = (encoder: ChunkedEncoder): number => (encoder.chunkBytes ?? 0) + encoder.offset - (encoder.start ?? 0);

/** The encoder's bytes as one Buffer; joins the chunks once and keeps the result as the only one. */
const bufferOf = (encoder: ChunkedEncoder): Buffer => {
  if (!encoder.chunks || encoder.chunks.length === 0) return encoder.buf.subarray(encoder.start ?? 0, encoder.offset);
  const joined = Buffer.concat(partsOf(encoder), sizeOf(encoder));
  encoder.buf = joined;
  encoder.offset = joined.length;
  encoder.start = 0;
  encoder.chunks = undefined;
  encoder.chunkBytes = 0;
  return joined;
};

const isEncoder = (value: unknown): value is ChunkedEncoder => value != null && Buffer.isBuffer((value as ChunkedEncoder).buf);

type WriteBytes = (this: ChunkedEncoder, value: unknown) => ChunkedEncoder;

const chunkedMethods = (originalWriteBytes: WriteBytes) => ({
  ensureAvailable(this: ChunkedEncoder, length: number): void {
    if (this.offset + length <= this.buf.length) return;
    seal(this);
    this.buf = Buffer.allocUnsafe(Math.max(length, CHUNK_BYTES));
    this.offset = 0;
    this.start = 0;
  },

  writeBufferInternal(this: ChunkedEncoder & { ensureAvailable(length: number): void }, buffer: Buffer): void {
    if (buffer.length >= ADOPT_BYTES) {
      append(this, buffer);
      return;
    }
    this.ensureAvailable(buffer.length);
    buffer.copy(this.buf, this.offset, 0);
    this.offset += buffer.length;
  },

  /** kafkajs's writeBytes first reserves room for the whole value; a large one is referenced instead. */
  writeBytes(this: ChunkedEncoder, value: unknown): ChunkedEncoder {
    if (!Buffer.isBuffer(value) || value.length < ADOPT_BYTES) return originalWriteBytes.call(this, value);
    this.writeInt32(value.length);
    append(this, value);
    return this;
  },

  writeEncoder(this: ChunkedEncoder & { writeBufferInternal(buffer: Buffer): void }, value: unknown): ChunkedEncoder {
    if (!isEncoder(value)) throw new Error('value should be an instance of Encoder');
    if (sizeOf(value) < ADOPT_BYTES) this.writeBufferInternal(bufferOf(value));
    else for (const part of partsOf(value)) append(this, part);
    return this;
  },

  writeEncoderArray(this: ChunkedEncoder, values: unknown): ChunkedEncoder {
    if (!Array.isArray(values) || !values.every(isEncoder)) throw new Error('all values should be an instance of Encoder[]');
    for (const value of values) this.writeEncoder(value);
    return this;
  },

  size(this: ChunkedEncoder): number {
    return sizeOf(this);
  },
});

interface RecordBatchOptions {
  compression?: number;
  firstOffset?: unknown;
  firstTimestamp?: number;
  maxTimestamp?: number;
  partitionLeaderEpoch?: number;
  lastOffsetDelta?: number;
  transactional?: boolean;
  producerId?: unknown;
  producerEpoch?: number;
  firstSequence?: number;
  records?: ChunkedEncoder[];
}
type RecordBatch = (options: RecordBatchOptions) => Promise<ChunkedEncoder>;

const MAGIC_BYTE = 2;
const TRANSACTIONAL_ATTRIBUTE = 16;
const NO_COMPRESSION = 0;

/**
 * kafkajs's RecordBatch (recordBatch/v0), field for field, for uncompressed batches: the CRC-32C
 * runs over the body's chunks instead of a joined copy, and the batch is length-prefixed without
 * joining it. Compressed batches (their records are compressed into one buffer anyway) and
 * machines without the native CRC go to kafkajs's own.
 */
const chunkedRecordBatch =
  (Encoder: EncoderClass, original: RecordBatch, crc32cFrom: NonNullable<typeof nativeCrc32cFrom>): RecordBatch =>
  async (options) => {
    if ((options.compression ?? NO_COMPRESSION) !== NO_COMPRESSION) return original(options);
    const now = Date.now();
    const records = options.records ?? [];
    const body = new Encoder()
      .writeInt16(options.transactional ? TRANSACTIONAL_ATTRIBUTE : 0)
      .writeInt32(options.lastOffsetDelta ?? 0)
      .writeInt64(options.firstTimestamp ?? now)
      .writeInt64(options.maxTimestamp ?? now)
      .writeInt64(options.producerId ?? -1)
      .writeInt16(options.producerEpoch ?? 0)
      .writeInt32(options.firstSequence ?? 0)
      .writeInt32(records.length)
      .writeEncoderArray(records);
    let crc = 0;
    for (const part of partsOf(body)) crc = crc32cFrom(part, crc);
    const batch = new Encoder()
      .writeInt32(options.partitionLeaderEpoch ?? 0)
      .writeInt8(MAGIC_BYTE)
      .writeUInt32(crc)
      .writeEncoder(body);
    return new Encoder()
      .writeInt64(options.firstOffset ?? 0)
      .writeInt32(batch.size())
      .writeEncoder(batch);
  };

/**
 * Idempotent. Says whether kafkajs now encodes produce requests in chunks. Must run before the
 * first produce request (kafkajs loads its produce encoders then), as create-kafka.ts does.
 */
export const installChunkedEncoder = (): boolean => {
  const { version } = requireHere('kafkajs/package.json') as { version: string };
  if (version !== SUPPORTED_KAFKAJS_VERSION || !nativeCrc32cFrom) return false;
  const Encoder = requireHere('kafkajs/src/protocol/encoder.js') as EncoderClass;
  const prototype = Encoder.prototype;
  if (prototype[PATCHED]) return true;
  Object.assign(prototype, chunkedMethods(prototype['writeBytes'] as WriteBytes));
  Object.defineProperty(prototype, 'buffer', {
    configurable: true,
    get(this: ChunkedEncoder) {
      return bufferOf(this);
    },
  });
  // produce/v3/request.js reads RecordBatch off this exports object when it loads (lazily, on the
  // first produce request), so replacing the property before then is enough.
  const recordBatchModule = requireHere('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: RecordBatch };
  recordBatchModule.RecordBatch = chunkedRecordBatch(Encoder, recordBatchModule.RecordBatch, nativeCrc32cFrom);
  prototype[PATCHED] = true;
  return true;
};
