import type { INestApplicationContext, Type as NestModuleType } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Server } from 'node:http';
import type { Registry } from 'prom-client';
import { createLogger, PinoNestLogger, type Logger } from './create-logger';
import { createOpsEndpoints, type ReadinessCheck } from './ops-endpoints';
import { startOpsServer } from './start-ops-server';

/** Nest injection tokens every worker module provides. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
export const LOGGER = Symbol('LOGGER');

export interface WorkerOptions {
  service: string;
  module: NestModuleType<unknown>;
  opsPort: number;
  logger: Logger;
}

/**
 * Starts a Kafka worker: a Nest application context (no HTTP framework: workers speak Kafka),
 * its ops port, and SIGTERM/SIGINT handling. On a signal Nest runs OnApplicationShutdown hooks,
 * where consumers finish the batch in hand and commit, and then the process exits.
 */
export const bootstrapWorker = async (options: WorkerOptions): Promise<INestApplicationContext> => {
  const app = await NestFactory.createApplicationContext(options.module, {
    logger: new PinoNestLogger(options.logger),
    abortOnError: false,
  });
  app.enableShutdownHooks();
  const registry = app.get<Registry>(METRICS_REGISTRY);
  const checks = app.get<ReadinessCheck[]>(READINESS_CHECKS);
  const server: Server = await startOpsServer(createOpsEndpoints(registry, checks), options.opsPort);
  const closeServer = () => server.close();
  process.once('SIGTERM', closeServer);
  process.once('SIGINT', closeServer);
  options.logger.info({ opsPort: options.opsPort }, `${options.service} started`);
  return app;
};

export { createLogger };
