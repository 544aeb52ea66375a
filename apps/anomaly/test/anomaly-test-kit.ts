import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@telemetry/config';
import { seriesMessageKey, type MetricDefinition, type RollupRecord } from '@telemetry/contracts';
import type { BatchProducer } from '@telemetry/kafka';
import { createLogger } from '@telemetry/service-runtime';
import type { INestApplicationContext } from '@nestjs/common';
import { createAnomalyModule } from '../src/anomaly.module';
import { anomalyConfigSchema, type AnomalyConfig } from '../src/config';
import { DetectionService } from '../src/detection/detection.service';

export const MINUTE_MS = 60_000;

export const anomalyTestConfig = (env: Record<string, string>): AnomalyConfig =>
  loadConfig(anomalyConfigSchema, { LOG_LEVEL: 'warn', ANOMALY_HEALTH_PORT: '0', KAFKA_TOPIC_PARTITIONS: '2', ...env });

export interface RunningAnomalyService {
  app: INestApplicationContext;
  service: DetectionService;
  stop: () => Promise<void>;
}

/** The service in-process, as main.ts wires it but without the ops port and signal handlers. */
export const startAnomalyService = async (config: AnomalyConfig): Promise<RunningAnomalyService> => {
  const app = await NestFactory.createApplicationContext(createAnomalyModule(config, createLogger('anomaly-test', config.LOG_LEVEL)), {
    logger: false,
  });
  const service = app.get(DetectionService);
  await service.joined;
  return { app, service, stop: () => app.close() };
};

/** A deterministic pseudo-random sequence (LCG) so the "normal" noise is the same on every run. */
export const noise = (seed: number) => {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state / 2_147_483_648;
  };
};

export const rollupRecord = (metric: string, series: string, atMs: number, mean: number, count = 10): RollupRecord => ({
  metric,
  series,
  bucketStart: new Date(atMs).toISOString(),
  bucketSeconds: 60,
  count,
  sum: mean * count,
  min: mean,
  max: mean,
  quantiles: { p50: mean, p95: mean, p99: mean },
});

export const sendRollups = async (producer: BatchProducer, topic: string, records: readonly RollupRecord[]): Promise<void> => {
  await producer.send([
    { topic, messages: records.map((record) => ({ key: seriesMessageKey(record.metric, record.series), value: JSON.stringify(record) })) },
  ]);
};

export const sendDefinitions = async (producer: BatchProducer, topic: string, definitions: readonly MetricDefinition[]): Promise<void> => {
  await producer.send([{ topic, messages: definitions.map((definition) => ({ key: definition.name, value: JSON.stringify(definition) })) }]);
};

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP webhook receiver on a free port. `failFirst` paths answer 503 to their first
 * request, to exercise the notifier's retry.
 */
export const startWebhookReceiver = async (failFirst: readonly string[] = []) => {
  const received: ReceivedRequest[] = [];
  const failed = new Set<string>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      if (failFirst.includes(path) && !failed.has(path)) {
        failed.add(path);
        response.writeHead(503).end();
        return;
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};
