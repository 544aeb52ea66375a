import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import type { IngestHttpRequest } from '../ingest.service';

/** Fastify's request as used here (structural: Nest's adapter bundles its own Fastify). */
interface RequestLike {
  headers: IncomingHttpHeaders;
  body: unknown;
}

const header = (request: RequestLike, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The body stays an unread stream (see the catch-all content-type parser): limits apply while reading it. */
export const ingestRequestOf = (request: RequestLike): IngestHttpRequest => ({
  authorization: header(request, 'authorization'),
  contentType: header(request, 'content-type'),
  contentEncoding: header(request, 'content-encoding'),
  payload: request.body instanceof Readable ? request.body : undefined,
});
