import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { installHardwareCrc32c } from './install-hardware-crc32c';
import { ADOPT_BYTES, installChunkedEncoder } from './install-chunked-encoder';

const requireHere = createRequire(__filename);

/** A fresh, unpatched copy of a kafkajs module (its own class and prototype), for reference output. */
const loadPristine = <T>(request: string): T => {
  const path = requireHere.resolve(request);
  const fresh = new Module(path) as Module & { _compile(source: string, filename: string): void; paths: string[] };
  fresh.filename = path;
  fresh.paths = (Module as unknown as { _nodeModulePaths(from: string): string[] })._nodeModulePaths(dirname(path));
  fresh._compile(readFileSync(path, 'utf8'), path);
  return fresh.exports as T;
};

interface Encoder {
  buffer: Buffer;
  size(): number;
  [method: string]: unknown;
}
type EncoderClass = new () => Encoder;

/** A small deterministic generator, so a failure names a seed that reproduces it. */
const random = (seed: number) => () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};

const bytesOf = (next: () => number, length: number) => Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));
/** Mostly small parts, sometimes ones large enough to be referenced instead of copied. */
const lengthOf = (next: () => number) => (next() < 0.3 ? ADOPT_BYTES + Math.floor(next() * 20_000) : Math.floor(next() * 300));

/** Applies the same random writes to an encoder of each class. */
const writeRandomly = (next: () => number, encoders: Encoder[], classes: EncoderClass[], depth: number): void => {
  const steps = 1 + Math.floor(next() * 12);
  for (let step = 0; step < steps; step++) {
    const choice = Math.floor(next() * 14);
    const length = lengthOf(next);
    const integer = Math.floor((next() - 0.5) * 2 ** 31);
    const call = (method: string, ...args: unknown[]) => encoders.forEach((encoder) => (encoder[method] as (...values: unknown[]) => void)(...args));
    if (choice === 0) call('writeInt8', integer % 128);
    else if (choice === 1) call('writeInt16', integer % 32_768);
    else if (choice === 2) call('writeInt32', integer);
    else if (choice === 3) call('writeInt64', integer * 1_000);
    else if (choice === 4) call('writeString', 'é'.repeat(length % 500));
    else if (choice === 5) call('writeVarIntString', 'x'.repeat(length));
    else if (choice === 6) call('writeBytes', bytesOf(next, length));
    else if (choice === 7) call('writeVarIntBytes', bytesOf(next, length));
    else if (choice === 8) call('writeUVarIntBytes', next() < 0.5 ? bytesOf(next, length) : 'y'.repeat(length));
    else if (choice === 9) call('writeVarInt', integer);
    else if (choice === 10) call('writeBuffer', bytesOf(next, length));
    else if (choice === 11) call('writeBytes', 'z'.repeat(length));
    else if (choice === 12 && depth < 3) {
      // Nested encoders, built with the same writes, appended one per class.
      const nested = classes.map((Class) => new Class());
      writeRandomly(next, nested, classes, depth + 1);
      encoders.forEach((encoder, index) => (encoder['writeEncoder'] as (value: Encoder) => void)(nested[index]!));
    } else if (choice === 13) {
      // Reading .buffer midway joins the chunks; writing must carry on after them.
      const read = encoders.map((encoder) => encoder.buffer.toString('hex'));
      expect(new Set(read).size).toBe(1);
    }
  }
};

describe('installChunkedEncoder', () => {
  expect(installHardwareCrc32c()).toBe(true);
  const Pristine = loadPristine<EncoderClass>('kafkajs/src/protocol/encoder.js');
  const pristineRecordBatch = loadPristine<{ RecordBatch: (options: object) => Promise<Encoder> }>('kafkajs/src/protocol/recordBatch/v0/index.js').RecordBatch;
  expect(installChunkedEncoder()).toBe(true);
  const Patched = requireHere('kafkajs/src/protocol/encoder.js') as EncoderClass;
  const Record = requireHere('kafkajs/src/protocol/recordBatch/record/v0/index.js') as (message: object) => Encoder;
  const { RecordBatch } = requireHere('kafkajs/src/protocol/recordBatch/v0/index.js') as { RecordBatch: (options: object) => Promise<Encoder> };

  it('is in place and idempotent', () => {
    expect(installChunkedEncoder()).toBe(true);
    expect(RecordBatch).not.toBe(pristineRecordBatch);
  });

  it.each(Array.from({ length: 300 }, (_, seed) => seed))('writes the same bytes as kafkajs’s own Encoder (seed %i)', (seed) => {
    const next = random(seed + 1);
    const encoders = [new Pristine(), new Patched()];
    writeRandomly(next, encoders, [Pristine, Patched], 0);
    const [expected, actual] = encoders as [Encoder, Encoder];
    expect(actual.size()).toBe(expected.size());
    expect(actual.buffer.equals(expected.buffer)).toBe(true);
  });

  it.each([
    ['no records', []],
    ['small records', [{ key: Buffer.from('k'), value: Buffer.from('v') }, { key: null, value: Buffer.from('w'), headers: { h: 'x' } }]],
    ['large records', [{ key: Buffer.from('source-1'), value: Buffer.alloc(176_000, 'e') }, { key: Buffer.from('source-2'), value: Buffer.alloc(50_000, 'f') }]],
  ])('encodes a record batch exactly as kafkajs does, checksum included (%s)', async (_label, messages) => {
    const options = (records: Encoder[]) => ({
      records,
      firstTimestamp: 1_764_000_000_000,
      maxTimestamp: 1_764_000_000_500,
      producerId: 42,
      producerEpoch: 3,
      firstSequence: 7,
      lastOffsetDelta: records.length - 1,
      transactional: messages.length === 1,
    });
    const records = () => messages.map((message, index) => Record({ ...message, offsetDelta: index, timestampDelta: index }));
    const expected = (await pristineRecordBatch(options(records()))).buffer;
    const actual = (await RecordBatch(options(records()))).buffer;
    expect(actual.equals(expected)).toBe(true);
  });

  it('references a large message value instead of copying it until the request is joined', () => {
    const value = Buffer.alloc(100_000, 'a');
    const record = Record({ key: Buffer.from('k'), value });
    const encoder = new Patched();
    (encoder['writeEncoder'] as (value: Encoder) => void)(record);
    value.fill('b'); // visible through the reference: proof that it was not copied
    expect(encoder.buffer.includes(Buffer.alloc(100_000, 'b'))).toBe(true);
  });
});
