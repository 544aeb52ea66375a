import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createApiKeyVerifier } from '@telemetry/admin';
import { createEventValidator } from '@telemetry/contracts';
import { createPool, postgresReadinessCheck } from '@telemetry/db';
import { BatchProducer, counterIncreases, createKafka, kafkaReadinessCheck, startSelfTelemetry, topicNames } from '@telemetry/kafka';
import {
  createLogger,
  createMetricsRegistry,
  createOpsEndpoints,
  LOGGER,
  METRICS_REGISTRY,
  PinoNestLogger,
  READINESS_CHECKS,
  type Logger,
} from '@telemetry/service-runtime';
import { eventLimitsFrom, type IngestConfig } from './config';
import { refuseReservedMetrics } from './events/refuse-reserved-metrics';
import { IngestExceptionFilter } from './http/ingest-exception.filter';
import { registerEventsRoute } from './http/register-events-route';
import { IngestModule } from './ingest.module';
import { IngestService, type IngestSettings } from './ingest.service';
import { API_KEY_VERIFIER, INGEST_METRICS, INGEST_SETTINGS, OPS_ENDPOINTS, RATE_LIMITER, RAW_ENVELOPE_PRODUCER } from './ingest.tokens';
import { RawEnvelopeProducer } from './kafka/raw-envelope-producer';
import { IngestMetrics, type IngestRoute } from './ops/ingest-metrics';
import { SourceRateLimiter } from './rate-limit/token-bucket';

export interface IngestApp {
  app: NestFastifyApplication;
  /** http(s)://127.0.0.1:<port> — the port actually bound (INGEST_PORT=0 picks one). */
  url: string;
  port: number;
  /** Stops accepting, finishes requests in flight, then closes Kafka and PostgreSQL clients. */
  close: () => Promise<void>;
}

const ROUTES: Record<string, IngestRoute> = { '/v1/events': 'events', '/v1/metrics': 'metrics' };

/**
 * Builds and starts the ingest service: NestJS on Fastify, one idempotent acks=all producer, a
 * pg pool for key lookups, Prometheus metrics and the ops routes on the same port. Tests and the
 * bench start it in-process with their own config (topic suffix, database, port 0).
 */
export const createIngestApp = async (config: IngestConfig, options: { logger?: Logger } = {}): Promise<IngestApp> => {
  const logger = options.logger ?? createLogger('ingest', config.LOG_LEVEL);
  const kafka = createKafka(config, 'ingest');
  const topics = topicNames(config.KAFKA_TOPIC_SUFFIX);
  const producers = await Promise.all(
    Array.from({ length: config.INGEST_KAFKA_PRODUCERS }, () => BatchProducer.connect(kafka, { retries: config.INGEST_KAFKA_SEND_RETRIES })),
  );
  // The next key lookup after a lost connection reconnects, or answers 503 meanwhile.
  const pool = createPool(config, {}, (error) => logger.warn({ reason: error.message }, 'PostgreSQL connection lost'));
  const registry = createMetricsRegistry('ingest');
  const metrics = new IngestMetrics(registry, {
    forgetAfterMs: config.SELF_TELEMETRY_FORGET_AFTER_MS,
    volumeWindowMs: config.SELF_TELEMETRY_VOLUME_WINDOW_MS,
  });
  const kafkaCheck = kafkaReadinessCheck(kafka);
  const checks = [kafkaCheck, postgresReadinessCheck(pool)];
  const limits = eventLimitsFrom(config);
  const settings: IngestSettings = {
    limits,
    validate: refuseReservedMetrics(createEventValidator(limits, { maxFutureMs: config.INGEST_MAX_FUTURE_MS })),
    maxKafkaRequestBytes: config.INGEST_KAFKA_MAX_MESSAGE_BYTES,
  };
  const envelopeProducer = new RawEnvelopeProducer(producers, topics.raw, config.INGEST_KAFKA_MAX_MESSAGE_BYTES, (seconds, outcome) =>
    metrics.kafkaProduceSeconds.observe({ outcome }, seconds),
  );
  const verifier = createApiKeyVerifier(pool, {
    positiveTtlMs: config.INGEST_KEY_CACHE_TTL_MS,
    negativeTtlMs: config.INGEST_KEY_NEGATIVE_CACHE_TTL_MS,
    maxEntries: 10_000,
  });
  const rateLimiter = new SourceRateLimiter({
    ratePerSecond: config.INGEST_RATE_LIMIT_EVENTS_PER_SECOND,
    burst: config.INGEST_RATE_LIMIT_BURST_EVENTS,
  });

  const https =
    config.TLS_CERT_FILE && config.TLS_KEY_FILE
      ? { cert: readFileSync(config.TLS_CERT_FILE), key: readFileSync(config.TLS_KEY_FILE) }
      : null;
  const adapter = new FastifyAdapter({
    ...(https ? { https } : {}),
    logger: false,
    // No Nest middleware here: without middie no hook runs it on every request.
    skipMiddie: true,
    // Requests in flight finish on close; idle keep-alive connections are closed at once.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
  const app = await NestFactory.create<NestFastifyApplication>(
    IngestModule.register([
      { provide: INGEST_SETTINGS, useValue: settings },
      { provide: API_KEY_VERIFIER, useValue: verifier },
      { provide: RATE_LIMITER, useValue: rateLimiter },
      { provide: RAW_ENVELOPE_PRODUCER, useValue: envelopeProducer },
      { provide: INGEST_METRICS, useValue: metrics },
      { provide: METRICS_REGISTRY, useValue: registry },
      { provide: READINESS_CHECKS, useValue: checks },
      { provide: OPS_ENDPOINTS, useValue: createOpsEndpoints(registry, checks) },
      { provide: LOGGER, useValue: logger },
    ]),
    adapter,
    { bodyParser: false, logger: new PinoNestLogger(logger), abortOnError: false },
  );
  const fastify = app.getHttpAdapter().getInstance();
  // Every body reaches the handler as an unread stream: it authenticates before reading, checks
  // the content type itself (415 with a JSON reason), and applies the decompressed-size limit.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = ROUTES[request.url.split('?')[0] ?? ''];
    if (route) {
      metrics.requests.inc({ route, status: String(reply.statusCode) });
      metrics.requestSeconds.observe({ route }, reply.elapsedTime / 1_000);
    }
    done();
  });
  app.useGlobalFilters(new IngestExceptionFilter(logger));
  // After the parser and the hooks above, which it uses like every route.
  registerEventsRoute(app, app.get(IngestService), logger);

  await app.listen(config.INGEST_PORT, config.INGEST_HOST);
  const port = (fastify.server.address() as AddressInfo).port;
  const url = `${https ? 'https' : 'http'}://127.0.0.1:${port}`;
  logger.info({ port, tls: Boolean(https), rawTopic: topics.raw }, 'ingest listening');

  const authFailureIncreases = counterIncreases(metrics.authFailures, 'auth_failures');
  const selfTelemetry = startSelfTelemetry({
    // Its own producer lane would do no better: one small send per interval.
    producer: producers[0]!,
    rawTopic: topics.raw,
    service: 'ingest',
    intervalMs: config.SELF_TELEMETRY_INTERVAL_MS,
    collect: async () => [
      ...(await authFailureIncreases()),
      ...metrics.sourceRejections.drain('rejections'),
      ...metrics.sourceVolume.drain('source_volume'),
    ],
    onError: (error) => logger.warn({ err: error }, 'self-telemetry report failed'),
  });

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await app.close();
      await envelopeProducer.whenIdle();
      // After the last request: its events are in the last report.
      await selfTelemetry.stop();
      await Promise.all(producers.map((producer) => producer.disconnect()));
      await kafkaCheck.close();
      await pool.end();
      logger.info('ingest stopped');
    })());
  return { app, url, port, close };
};
