import { existsSync, statSync } from 'node:fs';
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
 * Its routes live in the location hash (#/series?metric=…), so a reload always asks for / and no
 * index.html fallback is needed: Nest registers its own not-found handler at init, and Fastify
 * refuses a second one ("Not found handler already set"). Returns whether it was mounted.
 */
export const mountDashboard = (nest: NestFastifyApplication, directory: string): boolean => {
  const root = resolve(directory);
  if (!existsSync(root) || !statSync(root).isDirectory() || !existsSync(resolve(root, 'index.html'))) return false;
  nest.useStaticAssets({ root, prefix: '/', index: ['index.html'] });
  return true;
};
