import { readFileSync } from 'node:fs';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createPool, postgresReadinessCheck } from '@telemetry/db';
import { BatchProducer, counterIncreases, createKafka, kafkaReadinessCheck, startSelfTelemetry, topicNames, type ReadableMetric } from '@telemetry/kafka';
import { PinoNestLogger, createLogger, createMetricsRegistry, createOpsEndpoints, type Logger } from '@telemetry/service-runtime';
import type { Pool } from 'pg';
import { ApiModule } from './api.module';
import { AnomalyFeed } from './anomalies/anomaly-feed';
import { API_AUTH_FAILURES_METRIC } from './auth/auth.service';
import type { ApiConfig } from './config';
import type { TimeBucketFunction } from './core/api-deps';
import { mountDashboard, mountOpsRoutes } from './ops/mount-ops-routes';

export interface ApiApp {
  /** http(s)://host:port of the running server; GraphQL at `${url}/graphql` (ws:// for subscriptions). */
  readonly url: string;
  readonly port: number;
  readonly nest: NestFastifyApplication;
  /** Stops taking requests, ends subscriptions, leaves the consumer group, closes Kafka and PostgreSQL. */
  close: () => Promise<void>;
}

const MAX_REQUEST_BYTES = 1024 * 1024;


const detectTimeBucketFunction = async (pool: Pool): Promise<TimeBucketFunction> => {
  const { rows } = await pool.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
  return rows.length > 0 ? 'time_bucket' : 'date_bin';
};

/**
 * Builds and starts the API in this process: used by main.ts, by the integration tests (with a
 * database and topics of their own) and by the query bench.
 */
export const createApiApp = async (config: ApiConfig, options: { logger?: Logger } = {}): Promise<ApiApp> => {
  const logger = options.logger ?? createLogger('api', config.LOG_LEVEL);
  const registry = createMetricsRegistry('api');
  // By default the API's sessions price a random page like a sequential one (random_page_cost=1.1),
  // about right when the rollups are in memory or on SSD. With PostgreSQL's default (4, for spinning
  // disks) the planner reads a series range with a bitmap scan, then hashes and sorts every row;
  // priced realistically it walks the (metric, bucket_start) index and aggregates rows as they stream.
  const pool = createPool(config, config.API_PG_SESSION_OPTIONS === 'none' ? {} : { options: config.API_PG_SESSION_OPTIONS }, (error) =>
    logger.warn({ err: error }, 'idle PostgreSQL connection lost'),
  );
  const kafka = createKafka(config, 'api');
  const topics = topicNames(config.KAFKA_TOPIC_SUFFIX);
  const producer = await BatchProducer.connect(kafka);
  const timeBucketFunction = await detectTimeBucketFunction(pool);
  const kafkaCheck = kafkaReadinessCheck(kafka);

  const https =
    config.TLS_CERT_FILE && config.TLS_KEY_FILE ? { cert: readFileSync(config.TLS_CERT_FILE), key: readFileSync(config.TLS_KEY_FILE) } : null;
  const adapter = new FastifyAdapter({ bodyLimit: MAX_REQUEST_BYTES, ...(https ? { https } : {}) });
  const nest = await NestFactory.create<NestFastifyApplication>(
    ApiModule.forRoot({ config, pool, kafka, producer, topics, logger, registry, timeBucketFunction }),
    adapter,
    { logger: new PinoNestLogger(logger.child({ component: 'nest' })), abortOnError: false },
  );
  mountOpsRoutes(nest, createOpsEndpoints(registry, [kafkaCheck, postgresReadinessCheck(pool)]));
  const dashboard = mountDashboard(nest, config.API_DASHBOARD_DIR);

  const feed = nest.get(AnomalyFeed);
  await feed.start();
  await nest.listen(config.API_PORT, config.API_HOST);
  const address = nest.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.API_PORT;
  const host = config.API_HOST === '0.0.0.0' || config.API_HOST === '::' ? '127.0.0.1' : config.API_HOST;
  const url = `${https ? 'https' : 'http'}://${host}:${port}`;
  logger.info({ url, dashboard, timeBucketFunction, topicSuffix: config.KAFKA_TOPIC_SUFFIX }, 'api: listening');

  // The API's figure for telemetry.self.* is its failed authentications; the counter exists once
  // Nest has built AuthService, and reports 0 every interval until the first failure.
  const authFailures = registry.getSingleMetric(API_AUTH_FAILURES_METRIC) as ReadableMetric | undefined;
  if (!authFailures) throw new Error(`${API_AUTH_FAILURES_METRIC} is not registered: AuthService was not built`);
  const selfTelemetry = startSelfTelemetry({
    producer,
    rawTopic: topics.raw,
    service: 'api',
    intervalMs: config.SELF_TELEMETRY_INTERVAL_MS,
    // Malformed, unknown and revoked tokens are one reason: the API does not tell them apart either.
    collect: counterIncreases(authFailures, 'auth_failures', () => ({ reason: 'invalid_token' })),
    onError: (error) => logger.warn({ err: error }, 'self-telemetry report failed'),
  });

  return {
    url,
    port,
    nest,
    close: async () => {
      await nest.close();
      await feed.stop();
      await selfTelemetry.stop();
      await Promise.allSettled([producer.disconnect(), kafkaCheck.close()]);
      await pool.end();
    },
  };
};
