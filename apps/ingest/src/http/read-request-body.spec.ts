import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { IngestRequestError } from './ingest-request-error';
import { readRequestBody } from './read-request-body';

const streamOf = (...chunks: Buffer[]) => Readable.from(chunks);

describe('readRequestBody', () => {
  it.each([
    ['identity', undefined, Buffer.from('{"events":[]}')],
    ['explicit identity', 'identity', Buffer.from('{"events":[]}')],
    ['gzip', 'gzip', gzipSync('{"events":[]}')],
    ['GZIP in capitals', 'GZIP', gzipSync('{"events":[]}')],
  ])('reads a %s body', async (_label, encoding, body) => {
    expect((await readRequestBody(streamOf(body), encoding, { maxBytes: 1_024 })).bytes.toString()).toBe('{"events":[]}');
  });

  it.each([
    ['one chunk', [Buffer.from('{"events":[1,2]}')]],
    ['several chunks', [Buffer.from('{"eve'), Buffer.from('nts":[1,'), Buffer.from('2]}')]],
  ])('keeps headroom in front of a body in %s and puts a prefix there without touching what follows', async (_label, chunks) => {
    const body = await readRequestBody(streamOf(...chunks), undefined, { maxBytes: 1_024, headroomBytes: 16 });
    expect(body.bytes.toString()).toBe('{"events":[1,2]}');
    // 16 bytes of headroom plus the skipped "{" hold a 17-byte prefix in place.
    expect(body.prefixed('{"sourceId":"ab",', 1).toString()).toBe('{"sourceId":"ab","events":[1,2]}');
  });

  it('copies when a prefix does not fit the headroom', async () => {
    const body = await readRequestBody(streamOf(Buffer.from('{"events":[]}')), undefined, { maxBytes: 1_024, headroomBytes: 2 });
    expect(body.prefixed('{"sourceId":"a-long-source-id",', 1).toString()).toBe('{"sourceId":"a-long-source-id","events":[]}');
    expect(body.bytes.toString()).toBe('{"events":[]}');
  });

  it.each([
    ['a plain body over the limit', undefined, Buffer.alloc(2_000, 'a'), 'payload_too_large'],
    ['a gzip bomb', 'gzip', gzipSync(Buffer.alloc(8 * 1024 * 1024)), 'payload_too_large'],
    ['gzip that is not gzip', 'gzip', Buffer.from('plain text'), 'malformed_body'],
    ['an unsupported encoding', 'br', Buffer.from('x'), 'unsupported_media_type'],
  ])('refuses %s', async (_label, encoding, body, code) => {
    const error = await readRequestBody(streamOf(body), encoding, { maxBytes: 1_024 }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(IngestRequestError);
    expect((error as IngestRequestError).code).toBe(code);
  });
});
