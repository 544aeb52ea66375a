import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '@telemetry/config';
import { seriesMessageKey, type MetricDefinition, type RollupRecord } from '@telemetry/contracts';
import { ensureTopics, topicNames, topicSpecs, type BatchProducer, type TopicNames } from '@telemetry/kafka';
import { uniqueTopicSuffix } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import { createLogger } from '@telemetry/service-runtime';
import type { INestApplicationContext } from '@nestjs/common';
import { createDetector } from '@telemetry/anomaly';
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

/**
 * A score threshold that separates the planted spikes from the normal stretch after warm-up, found
 * by scoring the same points with libs/anomaly's detector directly. The service's job is to apply
 * a threshold, a checkpoint and a handover faithfully; how high the detector scores a spike is
 * libs/anomaly's calibration, tested there, and free to change without breaking these tests.
 */
export const separatingThreshold = (seriesList: ReadonlyArray<{ points: ReadonlyArray<{ atMs: number; value: number }>; spikeIndex: number }>): number => {
  let maxNormal = 0;
  let minSpike = 1;
  for (const { points, spikeIndex } of seriesList) {
    const detector = createDetector();
    points.forEach((point, index) => {
      const result = detector.score(point.atMs, point.value);
      if (index === spikeIndex) minSpike = Math.min(minSpike, result.detector === 'warmup' ? 0 : result.score);
      else if (index < spikeIndex) maxNormal = Math.max(maxNormal, result.score);
    });
  }
  if (!(minSpike > maxNormal + 0.02)) {
    throw new Error(`libs/anomaly no longer separates the planted spike (score ${minSpike}) from normal noise (max ${maxNormal})`);
  }
  return (maxNormal + minSpike) / 2;
};

/**
 * createTestTopics, retried: with several suites creating topics at once, the broker's metadata can
 * answer UNKNOWN_TOPIC_OR_PARTITION while kafkajs waits for the new leaders, which it does not retry.
 * ensureTopics only creates what is missing, so trying again with the same suffix is safe.
 */
export const createTopicsWithRetry = async (kafka: Kafka, partitions = 2, attempts = 5): Promise<{ suffix: string; topics: TopicNames }> => {
  const suffix = uniqueTopicSuffix();
  for (let attempt = 1; ; attempt++) {
    try {
      await ensureTopics(kafka, topicSpecs(suffix), partitions);
      return { suffix, topics: topicNames(suffix) };
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
};
