/**
 * libs/config — one validated place for environment variables: `loadConfig(schema, env)` and the
 * shared schema pieces (Kafka, PostgreSQL, logging, TLS, pseudonym key) with their defaults.
 * A bad value fails at start naming the variable.
 */
export * from './load-config';
export * from './schemas';
