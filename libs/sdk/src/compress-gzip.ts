import { browserGlobals } from './browser-apis';
import type { Compress } from './telemetry-types';

/** Gzip with the Compression Streams API (browsers, Deno, Node 18+); undefined where it is missing. */
export const compressionStreamGzip = (): Compress | undefined => {
  const CompressionStreamCtor = browserGlobals().CompressionStream;
  if (CompressionStreamCtor === undefined) return undefined;
  return async (body) => {
    const stream = new CompressionStreamCtor('gzip');
    const writer = stream.writable.getWriter();
    const written = Promise.all([writer.write(body), writer.close()]);
    const reader = stream.readable.getReader();
    const chunks: Uint8Array[] = [];
    let length = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value !== undefined) {
        chunks.push(value);
        length += value.length;
      }
    }
    await written;
    const compressed = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      compressed.set(chunk, offset);
      offset += chunk.length;
    }
    return compressed;
  };
};
