import { Type, type Static } from '@sinclair/typebox';
import { WARNING_SCORE } from '@telemetry/anomaly';
import { databaseConfigSchema, kafkaConfigSchema, loadConfigOrExit, loggingConfigSchema, selfTelemetryConfigSchema } from '@telemetry/config';

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;

/** The anomaly service's environment: shared Kafka/PostgreSQL/logging pieces plus its own knobs. */
export const anomalyConfigSchema = Type.Object({
  ...kafkaConfigSchema.properties,
  ...databaseConfigSchema.properties,
  ...loggingConfigSchema.properties,
  ...selfTelemetryConfigSchema.properties,
  ANOMALY_HEALTH_PORT: Type.Integer({ default: 9103, minimum: 0, maximum: 65535 }),
  ANOMALY_CONSUMER_GROUP: Type.String({ default: 'anomaly', minLength: 1 }),
  ANOMALY_SCORE_THRESHOLD: Type.Number({
    default: WARNING_SCORE,
    exclusiveMinimum: 0,
    maximum: 1,
    description: 'points scoring at least this are anomalies (published, stored, grouped into incidents)',
  }),
  ANOMALY_DETECTOR_CONFIG: Type.String({
    default: '{}',
    description:
      'JSON overrides of the libs/anomaly DetectorConfig (e.g. {"warmupPoints":150}); one configuration for every series, except the noiseFloor that a metric\'s definition sets (detector-settings-for.ts)',
  }),
  ANOMALY_CHECKPOINT_INTERVAL_MS: Type.Integer({ default: 30 * SECOND_MS, minimum: 100, description: 'how often changed detector state is saved' }),
  ANOMALY_PARTITION_HANDOVER_TIMEOUT_MS: Type.Integer({
    default: 30 * SECOND_MS,
    minimum: 0,
    description: "how long a new owner waits for a moved partition's previous owner to checkpoint it",
  }),
  INCIDENT_QUIET_PERIOD_MS: Type.Integer({ default: 15 * MINUTE_MS, minimum: 1, description: 'an incident resolves after this long without anomalies' }),
  INCIDENT_SWEEP_INTERVAL_MS: Type.Integer({ default: 30 * SECOND_MS, minimum: 100 }),
  NOTIFY_WEBHOOKS: Type.String({ default: '{}', description: 'JSON map owner → webhook URL, besides the catalog\'s per-metric webhook' }),
  NOTIFY_WEBHOOK_SECRET: Type.Optional(Type.String({ minLength: 16, description: 'HMAC-SHA256 key signing webhook bodies; required in production' })),
  NOTIFY_MAX_ATTEMPTS: Type.Integer({ default: 6, minimum: 1 }),
  NOTIFY_INITIAL_BACKOFF_MS: Type.Integer({ default: 500, minimum: 1 }),
  NOTIFY_MAX_BACKOFF_MS: Type.Integer({ default: 60 * SECOND_MS, minimum: 1 }),
  NOTIFY_TIMEOUT_MS: Type.Integer({ default: 5 * SECOND_MS, minimum: 1 }),
  NOTIFY_QUEUE_SIZE: Type.Integer({ default: 1_000, minimum: 1, description: 'deliveries held in memory; beyond it new ones are dropped and counted' }),
  NOTIFY_CONCURRENCY: Type.Integer({ default: 4, minimum: 1 }),
});

export type AnomalyConfig = Static<typeof anomalyConfigSchema>;

/** Development-only signing key so `npm start` works; refused when NODE_ENV=production. */
export const DEVELOPMENT_WEBHOOK_SECRET = 'telemetry-development-webhook-secret';

export const requireWebhookSecret = (config: Pick<AnomalyConfig, 'NOTIFY_WEBHOOK_SECRET' | 'NODE_ENV'>): string => {
  if (config.NOTIFY_WEBHOOK_SECRET) return config.NOTIFY_WEBHOOK_SECRET;
  if (config.NODE_ENV === 'production') throw new Error('NOTIFY_WEBHOOK_SECRET is required when NODE_ENV=production (at least 16 characters)');
  return DEVELOPMENT_WEBHOOK_SECRET;
};

const parseJsonObject = (variable: string, text: string): Record<string, unknown> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`${variable} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${variable} must be a JSON object`);
  return parsed as Record<string, unknown>;
};

/** NOTIFY_WEBHOOKS as a map; every value must be an http(s) URL. */
export const parseOwnerWebhooks = (text: string): Record<string, string> => {
  const map = parseJsonObject('NOTIFY_WEBHOOKS', text);
  const result: Record<string, string> = {};
  for (const [owner, url] of Object.entries(map)) {
    if (typeof url !== 'string' || !/^https?:\/\//.test(url)) throw new Error(`NOTIFY_WEBHOOKS.${owner} must be an http(s) URL`);
    result[owner] = url;
  }
  return result;
};

/** ANOMALY_DETECTOR_CONFIG as an object; libs/anomaly validates the values themselves. */
export const parseDetectorOverrides = (text: string): Record<string, unknown> => parseJsonObject('ANOMALY_DETECTOR_CONFIG', text);

export const loadAnomalyConfig = (): AnomalyConfig => loadConfigOrExit(anomalyConfigSchema, process.env);
