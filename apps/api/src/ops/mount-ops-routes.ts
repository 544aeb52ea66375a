import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { OpsEndpoints, OpsResponse } from '@telemetry/service-runtime';

type Reply = { code: (status: number) => Reply; type: (contentType: string) => Reply; send: (body: unknown) => unknown };

const send = (reply: Reply, response: OpsResponse) => reply.code(response.statusCode).type(response.contentType).send(response.body);

/** /healthz /readyz /metrics on the API's own port (ARCHITECTURE.md: HTTP apps mount them on their server). */
export const mountOpsRoutes = (nest: NestFastifyApplication, ops: OpsEndpoints): void => {
  const fastify = nest.getHttpAdapter().getInstance();
  fastify.get('/healthz', async (_request, reply) => send(reply, ops.healthz()));
  fastify.get('/readyz', async (_request, reply) => send(reply, await ops.readyz()));
  fastify.get('/metrics', async (_request, reply) => send(reply, await ops.metrics()));
};

/**
 * The dashboard (apps/dashboard, a static single-page app) is served at / when its build exists.
 * GET requests for HTML that match no file get index.html, so the app's own routes survive a
 * reload. Returns whether it was mounted.
 */
export const mountDashboard = (nest: NestFastifyApplication, directory: string): boolean => {
  const root = resolve(directory);
  const indexFile = resolve(root, 'index.html');
  if (!existsSync(root) || !statSync(root).isDirectory() || !existsSync(indexFile)) return false;
  nest.useStaticAssets({ root, prefix: '/', index: ['index.html'] });
  const indexHtml = readFileSync(indexFile);
  nest.getHttpAdapter().getInstance().setNotFoundHandler((request, reply) => {
    if (request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) return reply.type('text/html').send(indexHtml);
    return reply.code(404).send({ error: 'not found' });
  });
  return true;
};
