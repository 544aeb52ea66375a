import { HttpException } from '@nestjs/common';
import type { IncomingHttpHeaders } from 'node:http';
import type { Logger } from '@telemetry/service-runtime';
import { encodeOtlpError, type OtlpEncoding } from '../otlp/otlp-response';
import { IngestRequestError, type IngestErrorCode } from './ingest-request-error';

const OTLP_PATH = '/v1/metrics';

/**
 * What is used of Fastify's request and reply. Structural, because Nest's adapter bundles its own
 * Fastify, whose types are the same in all but name.
 */
interface IngestRequestLike {
  url: string;
  headers: IncomingHttpHeaders;
}
interface IngestReplyLike {
  code(statusCode: number): IngestReplyLike;
  header(name: string, value: string): IngestReplyLike;
  send(payload: string | Uint8Array): IngestReplyLike;
}

const otlpEncodingFor = (request: IngestRequestLike): OtlpEncoding =>
  /^application\/x-protobuf/i.test(request.headers['content-type'] ?? '') ? 'protobuf' : 'json';

/**
 * Every error of the ingest routes as its HTTP answer: /v1/events gets `{"error", "code"}`,
 * /v1/metrics gets OTLP's Status in the request's encoding. Retriable refusals carry
 * Retry-After. Anything unexpected is logged once here and answered 500. Used by Nest's
 * exception filter and by the plain Fastify route of /v1/events alike.
 */
export const answerIngestError = (exception: unknown, request: IngestRequestLike, reply: IngestReplyLike, logger: Logger): void => {
  let statusCode: number;
  let code: IngestErrorCode | 'not_found' | 'internal';
  let message: string;
  if (exception instanceof IngestRequestError) {
    ({ statusCode, code, message } = exception);
    // Debug only: a flood of refusals must not flood the logs (ingest_requests_total counts them).
    logger.debug({ url: request.url, statusCode, code, reason: message }, 'request refused');
    if (exception.retryAfterSeconds !== undefined) void reply.header('retry-after', String(exception.retryAfterSeconds));
  } else if (exception instanceof HttpException) {
    statusCode = exception.getStatus();
    code = statusCode === 404 ? 'not_found' : 'internal';
    message = exception.message;
  } else {
    logger.error({ err: exception, url: request.url }, 'unexpected error while ingesting');
    statusCode = 500;
    code = 'internal';
    message = 'internal error';
  }
  if (request.url.split('?')[0] === OTLP_PATH && code !== 'not_found' && code !== 'internal') {
    const encoded = encodeOtlpError(code, message, otlpEncodingFor(request));
    void reply.code(statusCode).header('content-type', encoded.contentType).send(encoded.body);
    return;
  }
  void reply.code(statusCode).header('content-type', 'application/json').send(JSON.stringify({ error: message, code }));
};
