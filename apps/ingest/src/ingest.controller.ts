import { Controller, Get, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { OpsEndpoints, OpsResponse } from '@telemetry/service-runtime';
import { IngestService, type IngestHttpRequest } from './ingest.service';
import { OPS_ENDPOINTS } from './ingest.tokens';
import { encodeOtlpSuccess } from './otlp/otlp-response';

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** The body stays an unread stream (see the catch-all content-type parser): limits apply while reading it. */
const ingestRequestOf = (request: FastifyRequest): IngestHttpRequest => ({
  authorization: header(request, 'authorization'),
  contentType: header(request, 'content-type'),
  contentEncoding: header(request, 'content-encoding'),
  payload: request.body instanceof Readable ? request.body : undefined,
});

/** HTTP only: every decision is IngestService's; errors become answers in IngestExceptionFilter. */
@Controller()
export class IngestController {
  constructor(
    private readonly ingest: IngestService,
    @Inject(OPS_ENDPOINTS) private readonly ops: OpsEndpoints,
  ) {}

  @Post('v1/events')
  async postEvents(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const result = await this.ingest.acceptEvents(ingestRequestOf(request));
    void reply.code(202).header('content-type', 'application/json').send(JSON.stringify(result));
  }

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
