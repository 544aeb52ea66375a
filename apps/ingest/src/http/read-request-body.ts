import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { IngestRequestError } from './ingest-request-error';

export interface BodyLimits {
  /** Limit on the decompressed body; a gzip bomb is refused as soon as its output passes it. */
  maxBytes: number;
}

const tooLarge = (maxBytes: number) =>
  new IngestRequestError('payload_too_large', `request body is larger than ${maxBytes} bytes (after decompression)`);

/** Reads a stream into one buffer, refusing it once more than maxBytes arrived. */
const collect = (stream: Readable, maxBytes: number, onTooLarge: () => void): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) {
        onTooLarge();
        fail(tooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    stream.once('error', fail);
    stream.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, size));
    });
  });

/**
 * Reads the request body, gunzipping it while it streams when Content-Encoding is gzip. The limit
 * applies to the decompressed bytes and is checked chunk by chunk, so a small body that inflates
 * to gigabytes is refused after the first megabyte, never buffered.
 */
export const readRequestBody = async (
  payload: Readable,
  contentEncoding: string | undefined,
  limits: BodyLimits,
): Promise<Buffer> => {
  const encoding = (contentEncoding ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity' || encoding === '') {
    return collect(payload, limits.maxBytes, () => payload.resume());
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
    return await collect(gunzip, limits.maxBytes, () => {
      payload.unpipe(gunzip);
      gunzip.destroy();
      payload.resume();
    });
  } catch (error) {
    if (error instanceof IngestRequestError) throw error;
    throw new IngestRequestError('malformed_body', `request body is not valid gzip: ${(error as Error).message}`, undefined, { cause: error });
  }
};
