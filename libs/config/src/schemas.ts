import { Type } from '@sinclair/typebox';

/**
 * The variables of ARCHITECTURE.md, as reusable schema pieces; each service's config.ts spreads
 * the pieces it needs into its own schema. Defaults are the documented ones.
 */
export const kafkaConfigSchema = Type.Object({
  KAFKA_BROKERS: Type.String({ default: '127.0.0.1:9092', minLength: 1, description: 'comma-separated host:port list' }),
  KAFKA_CLIENT_ID: Type.String({ default: 'telemetry' }),
  KAFKA_SSL: Type.Boolean({ default: false, description: 'connect to Kafka over TLS' }),
  KAFKA_SSL_CA_FILE: Type.Optional(Type.String({ description: 'PEM CA bundle for the brokers' })),
  KAFKA_SASL_MECHANISM: Type.Optional(
    Type.Union([Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')]),
  ),
  KAFKA_SASL_USERNAME: Type.Optional(Type.String()),
  KAFKA_SASL_PASSWORD: Type.Optional(Type.String()),
  KAFKA_TOPIC_PARTITIONS: Type.Integer({ default: 4, minimum: 1, description: 'partitions for topics the project creates' }),
  KAFKA_TOPIC_SUFFIX: Type.String({ default: '', description: 'appended to every topic name (tests isolate themselves with it)' }),
  KAFKA_SESSION_TIMEOUT_MS: Type.Integer({
    default: 30_000,
    minimum: 6_000,
    description: "consumer-group session: how long a crashed instance keeps its partitions before the group hands them to another (within the broker's group.min/max.session.timeout.ms)",
  }),
});

export const databaseConfigSchema = Type.Object({
  DATABASE_URL: Type.String({ default: 'postgres://postgres@127.0.0.1:5432/telemetry', pattern: '^postgres(ql)?://' }),
  DATABASE_SSL: Type.Boolean({ default: false, description: 'connect to PostgreSQL over TLS' }),
  DATABASE_SSL_CA_FILE: Type.Optional(Type.String()),
  DATABASE_POOL_SIZE: Type.Integer({ default: 10, minimum: 1 }),
});

export const loggingConfigSchema = Type.Object({
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
  NODE_ENV: Type.String({ default: 'development' }),
});

export const tlsConfigSchema = Type.Object({
  TLS_CERT_FILE: Type.Optional(Type.String({ description: 'serve HTTPS with this PEM certificate' })),
  TLS_KEY_FILE: Type.Optional(Type.String()),
});

export const pseudonymConfigSchema = Type.Object({
  PSEUDONYM_KEY: Type.Optional(Type.String({ minLength: 32, description: 'HMAC key for subject ids; required outside development' })),
});

/** A development-only key, so `npm start` works out of the box; refused when NODE_ENV=production. */
export const DEVELOPMENT_PSEUDONYM_KEY = 'telemetry-development-pseudonym-key-not-secret';

export const requirePseudonymKey = (config: { PSEUDONYM_KEY?: string; NODE_ENV: string }): string => {
  if (config.PSEUDONYM_KEY) return config.PSEUDONYM_KEY;
  if (config.NODE_ENV === 'production') {
    throw new Error('PSEUDONYM_KEY is required when NODE_ENV=production (at least 32 characters)');
  }
  return DEVELOPMENT_PSEUDONYM_KEY;
};

export const selfTelemetryConfigSchema = Type.Object({
  SELF_TELEMETRY_INTERVAL_MS: Type.Integer({
    default: 10_000,
    minimum: 0,
    description: 'how often the service reports its own figures as telemetry.self.* metrics onto telemetry.raw.v1; 0 turns it off',
  }),
  SELF_TELEMETRY_FORGET_AFTER_MS: Type.Integer({
    default: 60 * 60 * 1_000,
    minimum: 0,
    description: 'a per-source series (volume, rejections) with nothing counted for this long stops being reported as 0',
  }),
});
