import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Logger } from '@telemetry/service-runtime';
import type { IngestService } from '../ingest.service';
import { answerIngestError } from './answer-ingest-error';
import { ingestRequestOf } from './ingest-request-of';

/**
 * POST /v1/events, the hot path, as a plain Fastify route on Nest's adapter: no Nest router
 * (execution context, guards, interceptors, pipes, parameter decorators) between the request
 * and IngestService, which still makes every decision. Its errors get the same answers as the
 * controller routes' (answerIngestError).
 */
export const registerEventsRoute = (app: NestFastifyApplication, ingest: IngestService, logger: Logger): void => {
  app.getHttpAdapter().getInstance().post('/v1/events', async (request, reply) => {
    try {
      const result = await ingest.acceptEvents(ingestRequestOf(request));
      return reply.code(202).header('content-type', 'application/json').send(JSON.stringify(result));
    } catch (error) {
      answerIngestError(error, request, reply, logger);
      return reply;
    }
  });
};
