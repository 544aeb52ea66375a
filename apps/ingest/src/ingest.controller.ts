import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { OpsEndpoints, OpsResponse } from '@telemetry/service-runtime';
import { ingestRequestOf } from './http/ingest-request-of';
import { IngestService } from './ingest.service';
import { OPS_ENDPOINTS } from './ingest.tokens';
import { encodeOtlpSuccess } from './otlp/otlp-response';

/**
 * HTTP only: every decision is IngestService's; errors become answers in IngestExceptionFilter.
 * POST /v1/events is a plain Fastify route (register-events-route.ts).
 */
@Controller()
export class IngestController {
  constructor(
    private readonly ingest: IngestService,
    @Inject(OPS_ENDPOINTS) private readonly ops: OpsEndpoints,
  ) {}

  @Post('v1/metrics')
  async postMetrics(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const { mapping, encoding } = await this.ingest.acceptOtlpMetrics(ingestRequestOf(request));
    const encoded = encodeOtlpSuccess(mapping, encoding);
    void reply.code(200).header('content-type', encoded.contentType).send(encoded.body);
  }

  @Get('healthz')
  healthz(@Res() reply: FastifyReply): void {
    send(reply, this.ops.healthz());
  }

  @Get('readyz')
  async readyz(@Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.ops.readyz());
  }

  @Get('metrics')
  async metrics(@Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.ops.metrics());
  }
}

const send = (reply: FastifyReply, { statusCode, contentType, body }: OpsResponse) => {
  void reply.code(statusCode).header('content-type', contentType).send(body);
};
