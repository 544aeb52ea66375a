import { Type, type Static } from '@sinclair/typebox';
import { databaseConfigSchema, kafkaConfigSchema, loadConfigOrExit, loggingConfigSchema, selfTelemetryConfigSchema, tlsConfigSchema } from '@telemetry/config';
import { DEFAULT_EVENT_LIMITS, DEFAULT_MAX_FUTURE_MS, type EventLimits } from '@telemetry/contracts';

/** apps/ingest environment: the shared pieces plus the ingest's own variables, each with its default. */
export const ingestConfigSchema = Type.Object({
  ...kafkaConfigSchema.properties,
  ...databaseConfigSchema.properties,
  ...loggingConfigSchema.properties,
  ...tlsConfigSchema.properties,
  ...selfTelemetryConfigSchema.properties,
  SELF_TELEMETRY_VOLUME_WINDOW_MS: Type.Integer({
    default: 300_000,
    minimum: 1,
    description: 'telemetry.self.source_volume is events/s over this trailing window: longer than the usual gap between a sender\'s uploads',
  }),
  INGEST_PORT: Type.Integer({ default: 4318, minimum: 0, maximum: 65_535, description: 'HTTP(S) port; 0 picks a free one' }),
  INGEST_HOST: Type.String({ default: '0.0.0.0' }),
  INGEST_MAX_EVENTS_PER_REQUEST: Type.Integer({ default: DEFAULT_EVENT_LIMITS.maxEventsPerRequest, minimum: 1 }),
  INGEST_MAX_REQUEST_BYTES: Type.Integer({ default: DEFAULT_EVENT_LIMITS.maxRequestBytes, minimum: 1_024, description: 'after decompression' }),
  INGEST_MAX_ATTRIBUTES: Type.Integer({ default: DEFAULT_EVENT_LIMITS.maxAttributes, minimum: 0 }),
  INGEST_MAX_ATTRIBUTE_KEY_LENGTH: Type.Integer({ default: DEFAULT_EVENT_LIMITS.maxAttributeKeyLength, minimum: 1 }),
  INGEST_MAX_STRING_VALUE_LENGTH: Type.Integer({ default: DEFAULT_EVENT_LIMITS.maxStringValueLength, minimum: 1 }),
  INGEST_MAX_FUTURE_MS: Type.Integer({
    default: DEFAULT_MAX_FUTURE_MS,
    minimum: 0,
    description:
      'events stamped further ahead of the clock are refused as timestamp_out_of_range; at most PRIVACY_MAX_FUTURE_MS, or the privacy filter dead-letters what ingest accepted',
  }),
  INGEST_RATE_LIMIT_EVENTS_PER_SECOND: Type.Number({
    default: 200_000,
    minimum: 0,
    description: 'token bucket refill per source, in events per second, per ingest instance; 0 disables rate limiting',
  }),
  INGEST_RATE_LIMIT_BURST_EVENTS: Type.Integer({
    default: 400_000,
    minimum: 1,
    description: 'token bucket capacity per source; at least INGEST_MAX_EVENTS_PER_REQUEST so a full request can pass',
  }),
  INGEST_KEY_CACHE_TTL_MS: Type.Integer({ default: 5_000, minimum: 0, description: 'a revoked key stops working within this time' }),
  INGEST_KEY_NEGATIVE_CACHE_TTL_MS: Type.Integer({ default: 2_000, minimum: 0 }),
  INGEST_KAFKA_MAX_MESSAGE_BYTES: Type.Integer({
    default: 1_000_000,
    minimum: 10_000,
    description: 'largest Kafka request the producer builds (the broker refuses record batches above message.max.bytes, 1 MiB by default)',
  }),
  INGEST_KAFKA_PRODUCERS: Type.Integer({
    default: 4,
    minimum: 1,
    description: 'idempotent producers sending in parallel (each keeps one request in flight)',
  }),
  INGEST_KAFKA_SEND_RETRIES: Type.Integer({ default: 3, minimum: 0, description: 'producer retries before answering 503' }),
  INGEST_SHUTDOWN_TIMEOUT_MS: Type.Integer({ default: 10_000, minimum: 0, description: 'how long SIGTERM waits for requests in flight' }),
});

export type IngestConfig = Static<typeof ingestConfigSchema>;

export const loadIngestConfig = (env: NodeJS.ProcessEnv = process.env): IngestConfig => {
  const config = loadConfigOrExit(ingestConfigSchema, env);
  if (config.INGEST_RATE_LIMIT_BURST_EVENTS < config.INGEST_MAX_EVENTS_PER_REQUEST) {
    process.stderr.write('Invalid configuration:\n  - INGEST_RATE_LIMIT_BURST_EVENTS must be at least INGEST_MAX_EVENTS_PER_REQUEST\n');
    process.exit(78);
  }
  if (Boolean(config.TLS_CERT_FILE) !== Boolean(config.TLS_KEY_FILE)) {
    process.stderr.write('Invalid configuration:\n  - TLS_CERT_FILE and TLS_KEY_FILE must be set together\n');
    process.exit(78);
  }
  return config;
};

export const eventLimitsFrom = (config: IngestConfig): EventLimits => ({
  ...DEFAULT_EVENT_LIMITS,
  maxEventsPerRequest: config.INGEST_MAX_EVENTS_PER_REQUEST,
  maxRequestBytes: config.INGEST_MAX_REQUEST_BYTES,
  maxAttributes: config.INGEST_MAX_ATTRIBUTES,
  maxAttributeKeyLength: config.INGEST_MAX_ATTRIBUTE_KEY_LENGTH,
  maxStringValueLength: config.INGEST_MAX_STRING_VALUE_LENGTH,
});

/** Test and bench configs: the defaults with overrides, without reading the environment. */
export const ingestConfigWith = (overrides: Partial<IngestConfig>): IngestConfig => {
  const defaults = loadConfigOrExit(ingestConfigSchema, {});
  return { ...defaults, ...overrides };
};
