import { Type, type Static } from '@sinclair/typebox';
import { kafkaConfigSchema, loadConfigOrExit, loggingConfigSchema, pseudonymConfigSchema, selfTelemetryConfigSchema } from '@telemetry/config';
import { DEFAULT_MAX_FUTURE_MS } from '@telemetry/contracts';
import { SCRUB_RULE_NAMES } from '@telemetry/privacy';

/** The privacy filter's environment: Kafka, logging, the pseudonym key, and its own knobs. */
export const privacyConfigSchema = Type.Object({
  ...kafkaConfigSchema.properties,
  ...loggingConfigSchema.properties,
  ...pseudonymConfigSchema.properties,
  ...selfTelemetryConfigSchema.properties,
  PRIVACY_HEALTH_PORT: Type.Integer({ default: 9101, minimum: 0, maximum: 65535, description: '/healthz /readyz /metrics' }),
  PRIVACY_CONSUMER_GROUP: Type.String({ default: 'privacy', minLength: 1, description: 'consumer group on telemetry.raw.v1 (the topic suffix is appended)' }),
  PRIVACY_SCRUB_RULES: Type.String({
    default: SCRUB_RULE_NAMES.join(','),
    description: `comma-separated PII rules applied to attribute values (and to event and source ids, which are hashed or refused when a rule matches), from ${SCRUB_RULE_NAMES.join(', ')}`,
  }),
  PRIVACY_MAX_FUTURE_MS: Type.Integer({
    default: DEFAULT_MAX_FUTURE_MS,
    minimum: 0,
    description:
      'events stamped further ahead are dead-lettered timestamp_out_of_range (data_points partitions exist only a few days ahead); keep INGEST_MAX_FUTURE_MS at most this',
  }),
  PRIVACY_PARTITIONS_CONCURRENTLY: Type.Integer({ default: 2, minimum: 1, description: 'raw partitions filtered at the same time' }),
});

export type PrivacyConfig = Static<typeof privacyConfigSchema>;

export const loadPrivacyConfig = (env: Record<string, string | undefined> = process.env): PrivacyConfig =>
  loadConfigOrExit(privacyConfigSchema, env);
