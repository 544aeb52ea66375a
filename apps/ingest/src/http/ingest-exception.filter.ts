import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from '@telemetry/service-runtime';
import { answerIngestError } from './answer-ingest-error';

/** Nest's side of answerIngestError: the errors of the controller routes (/v1/metrics, ops, 404). */
@Catch()
export class IngestExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    answerIngestError(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), this.logger);
  }
}
