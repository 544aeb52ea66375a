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
    expect((await readRequestBody(streamOf(body), encoding, { maxBytes: 1_024 })).toString()).toBe('{"events":[]}');
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
