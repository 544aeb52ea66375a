import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import type { BodyBufferPool } from './body-buffer-pool';
import { IngestRequestError } from './ingest-request-error';
import { RequestBody } from './request-body';

export interface BodyLimits {
  /** Limit on the decompressed body; a gzip bomb is refused as soon as its output passes it. */
  maxBytes: number;
  /** Spare bytes to keep in front of the body, for RequestBody.prefixed. */
  headroomBytes?: number;
  /** Where the body's buffer comes from; without one it is allocated for the request. */
  pool?: BodyBufferPool;
}

const tooLarge = (maxBytes: number) =>
  new IngestRequestError('payload_too_large', `request body is larger than ${maxBytes} bytes (after decompression)`);

/** Reads a stream into one buffer after headroomBytes spare ones, refusing it once more than maxBytes arrived. */
const collect = (stream: Readable, limits: BodyLimits, onTooLarge: () => void): Promise<RequestBody> =>
  new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    // The request stream lives as long as the request (until Kafka acknowledged it): once settled,
    // its listeners must not keep the chunks alive too. The error listener stays, so a late error
    // (a client gone, a destroyed gunzip) is not an uncaught one.
    const settle = () => {
      settled = true;
      stream.off('data', onData);
      stream.off('end', onEnd);
      chunks = [];
    };
    const fail = (error: unknown) => {
      if (settled) return;
      settle();
      reject(error);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limits.maxBytes) {
        onTooLarge();
        fail(tooLarge(limits.maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      const body = joined(chunks, size, limits);
      settle();
      resolve(body);
    };
    stream.on('data', onData);
    stream.on('error', fail);
    stream.once('end', onEnd);
  });

const joined = (chunks: readonly Buffer[], size: number, { headroomBytes = 0, pool }: BodyLimits): RequestBody => {
  const only = chunks[0];
  if (headroomBytes === 0 && !pool && chunks.length === 1 && only) return new RequestBody(only, 0);
  const wholeBytes = headroomBytes + size;
  const buffer = pool ? pool.acquire(wholeBytes) : Buffer.allocUnsafe(wholeBytes);
  const whole = buffer.subarray(0, wholeBytes);
  let offset = headroomBytes;
  for (const chunk of chunks) offset += chunk.copy(whole, offset);
  return new RequestBody(whole, headroomBytes, pool && { pool, buffer });
};

/**
 * Reads the request body, gunzipping it while it streams when Content-Encoding is gzip. The limit
 * applies to the decompressed bytes and is checked chunk by chunk, so a small body that inflates
 * to gigabytes is refused after the first megabyte, never buffered.
 */
export const readRequestBody = async (
  payload: Readable,
  contentEncoding: string | undefined,
  limits: BodyLimits,
): Promise<RequestBody> => {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') {
    return collect(payload, limits, () => payload.resume());
  }
  if (encoding !== 'gzip') {
    throw new IngestRequestError('unsupported_media_type', `Content-Encoding ${JSON.stringify(encoding)} is not supported (use gzip or none)`);
  }
  const gunzip = createGunzip();
  payload.on('error', (error) => gunzip.destroy(error));
  // Compressed input barely grows incompressible data (stored blocks), so it never legitimately
  // exceeds the decompressed limit by more than deflate's framing overhead.
  const maxCompressedBytes = limits.maxBytes + Math.ceil(limits.maxBytes / 16_384) * 5 + 1_024;
  let compressedBytes = 0;
  payload.on('data', (chunk: Buffer) => {
    compressedBytes += chunk.length;
    if (compressedBytes > maxCompressedBytes) gunzip.destroy(tooLarge(limits.maxBytes));
  });
  payload.pipe(gunzip);
  try {
    return await collect(gunzip, limits, () => {
      payload.unpipe(gunzip);
      gunzip.destroy();
      payload.resume();
    });
  } catch (error) {
    if (error instanceof IngestRequestError) throw error;
    throw new IngestRequestError('malformed_body', `request body is not valid gzip: ${(error as Error).message}`, undefined, { cause: error });
  }
};
