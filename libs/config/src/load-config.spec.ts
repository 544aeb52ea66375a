import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load-config';
import { databaseConfigSchema, kafkaConfigSchema, requirePseudonymKey } from './schemas';

const schema = Type.Object({ ...kafkaConfigSchema.properties, ...databaseConfigSchema.properties, PORT: Type.Integer({ default: 4318 }) });

describe('loadConfig', () => {
  it('fills the documented defaults', () => {
    const config = loadConfig(schema, {});
    expect(config.KAFKA_BROKERS).toBe('127.0.0.1:9092');
    expect(config.DATABASE_URL).toBe('postgres://postgres@127.0.0.1:5432/telemetry');
    expect(config.PORT).toBe(4318);
    expect(config.KAFKA_SSL).toBe(false);
  });

  it.each([
    [{ PORT: '80' }, 'PORT', 80],
    [{ KAFKA_SSL: 'true' }, 'KAFKA_SSL', true],
    [{ KAFKA_TOPIC_PARTITIONS: '12' }, 'KAFKA_TOPIC_PARTITIONS', 12],
  ])('converts %o', (env, key, expected) => {
    expect(loadConfig(schema, env)[key as keyof typeof env]).toBe(expected);
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ KAFKA_TOPIC_PARTITIONS: '0' }, 'KAFKA_TOPIC_PARTITIONS'],
  ])('names the bad variable in %o', (env, variable) => {
    expect(() => loadConfig(schema, env)).toThrow(ConfigError);
    expect(() => loadConfig(schema, env)).toThrow(new RegExp(variable));
  });

  it('never prints a secret value', () => {
    const secret = Type.Object({ PSEUDONYM_KEY: Type.String({ minLength: 32 }) });
    expect(() => loadConfig(secret, { PSEUDONYM_KEY: 'short-secret' })).toThrow(/<redacted>/);
  });
});

describe('requirePseudonymKey', () => {
  it('refuses to run production without a key', () => {
    expect(() => requirePseudonymKey({ NODE_ENV: 'production' })).toThrow(/PSEUDONYM_KEY/);
  });
  it('uses the given key', () => {
    expect(requirePseudonymKey({ NODE_ENV: 'production', PSEUDONYM_KEY: 'k'.repeat(32) })).toBe('k'.repeat(32));
  });
});
