import { Type, type Static } from '@sinclair/typebox';
import { databaseConfigSchema, kafkaConfigSchema, loadConfigOrExit, loggingConfigSchema, selfTelemetryConfigSchema } from '@telemetry/config';

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** The processor's environment: the shared Kafka/PostgreSQL/logging pieces plus its own knobs. */
export const processorConfigSchema = Type.Object({
  ...kafkaConfigSchema.properties,
  ...databaseConfigSchema.properties,
  ...loggingConfigSchema.properties,
  ...selfTelemetryConfigSchema.properties,
  PROCESSOR_HEALTH_PORT: Type.Integer({ default: 9102, minimum: 0, maximum: 65_535, description: '/healthz /readyz /metrics' }),
  PROCESSOR_GROUP_ID: Type.String({ default: 'processor', minLength: 1 }),
  PROCESSOR_PARTITIONS_CONCURRENTLY: Type.Integer({ default: 4, minimum: 1, description: 'clean-topic partitions of one fetch stored together, in one transaction' }),
  PROCESSOR_MAX_BYTES_PER_PARTITION: Type.Integer({ default: 8 * 1024 * 1024, minimum: 65_536 }),
  ROLLUP_ALLOWED_LATENESS_MS: Type.Integer({ default: MINUTE_MS, minimum: 0, description: 'grace after a bucket ends before it is published' }),
  ROLLUP_PUBLISH_INTERVAL_MS: Type.Integer({ default: SECOND_MS, minimum: 50 }),
  ROLLUP_PUBLISH_PAGE_SIZE: Type.Integer({ default: 5_000, minimum: 1 }),
  ROLLUP_HOURLY_INTERVAL_MS: Type.Integer({ default: 30 * SECOND_MS, minimum: 100 }),
  REFDATA_JOIN: Type.String({ default: '', description: 'dataset:attribute pairs, comma-separated (devices:device_id)' }),
  REFDATA_REFRESH_MS: Type.Integer({ default: MINUTE_MS, minimum: 100 }),
  MINING_INTERVAL_MS: Type.Integer({ default: 10 * MINUTE_MS, minimum: 0, description: '0 turns the periodic mining job off' }),
  MINING_WINDOW_MS: Type.Integer({ default: 6 * HOUR_MS, minimum: MINUTE_MS }),
  MINING_KEEP_DAYS: Type.Integer({ default: 7, minimum: 1, description: 'stored patterns older than this are deleted' }),
  RETENTION_INTERVAL_MS: Type.Integer({ default: DAY_MS, minimum: SECOND_MS }),
  RAW_RETENTION_DEFAULT_DAYS: Type.Integer({ default: 30, minimum: 1, description: 'raw data_points kept for metrics without retentionDays' }),
  LAG_INTERVAL_MS: Type.Integer({ default: 10 * SECOND_MS, minimum: 100 }),
});

export type ProcessorConfig = Static<typeof processorConfigSchema>;

export const loadProcessorConfig = (env: Record<string, string | undefined> = process.env): ProcessorConfig =>
  loadConfigOrExit(processorConfigSchema, env);
