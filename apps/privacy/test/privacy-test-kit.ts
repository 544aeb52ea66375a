import type { INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@telemetry/config';
import type { ConsentRecord, DeadLetter, MetricDefinition, RawEnvelope } from '@telemetry/contracts';
import { BatchProducer, type TopicNames } from '@telemetry/kafka';
import { createTestTopics, readTopic, testKafka } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import { privacyConfigSchema, type PrivacyConfig } from '../src/config';
import { startPrivacyApp } from '../src/start-privacy-app';

export const TEST_PSEUDONYM_KEY = 'privacy-integration-test-key-0123456789';

export const testPrivacyConfig = (suffix: string, overrides: Record<string, string> = {}): PrivacyConfig =>
  loadConfig(privacyConfigSchema, {
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092',
    KAFKA_TOPIC_SUFFIX: suffix,
    KAFKA_TOPIC_PARTITIONS: '2',
    PSEUDONYM_KEY: TEST_PSEUDONYM_KEY,
    LOG_LEVEL: 'warn',
    PRIVACY_HEALTH_PORT: '0',
    ...overrides,
  });

const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

export const TEST_METRICS: MetricDefinition[] = [
  { name: 'page.view', type: 'counter', description: 'Page views.', purpose: 'analytics', expires: inAYear, attributes: ['path', 'note'] },
  { name: 'app.crash', type: 'counter', description: 'Crashes.', purpose: 'none', expires: 'never', attributes: ['build', 'note'] },
];

/** catalog.v1 as catalog:apply publishes it: key = name, value = the definition. */
export const publishCatalog = (producer: BatchProducer, topic: string, definitions: readonly MetricDefinition[] = TEST_METRICS) =>
  producer.send([{ topic, messages: definitions.map((definition) => ({ key: definition.name, value: JSON.stringify(definition) })) }]);

export interface PrivacyTestFilter {
  kafka: Kafka;
  topics: TopicNames;
  /** Feeds the filter's topics (raw envelopes, catalog, consent). */
  producer: BatchProducer;
  app: INestApplicationContext;
  close: () => Promise<void>;
}

/** The privacy filter on topics of its own (2 partitions), with TEST_METRICS published as its catalog. */
export const startPrivacyTestFilter = async (overrides: Record<string, string> = {}): Promise<PrivacyTestFilter> => {
  const kafka = testKafka();
  const { suffix, topics } = await createTestTopics(kafka, 2);
  const producer = await BatchProducer.connect(kafka);
  await publishCatalog(producer, topics.catalog);
  const app = await startPrivacyApp(testPrivacyConfig(suffix, overrides));
  return {
    kafka,
    topics,
    producer,
    app,
    close: async () => {
      await app.close();
      await producer.disconnect();
    },
  };
};

export const publishConsent = (producer: BatchProducer, topic: string, record: ConsentRecord) =>
  producer.send([{ topic, messages: [{ key: record.subject, value: JSON.stringify(record) }] }]);

export const rawEnvelope = (sourceId: string, events: unknown[]): string =>
  JSON.stringify({ sourceId, receivedAt: new Date().toISOString(), events } satisfies { sourceId: string; receivedAt: string; events: unknown[] });

/** Producers may write telemetry.raw.v1 directly (ARCHITECTURE.md): the tests do, instead of going through ingest. */
export const sendRaw = (producer: BatchProducer, topic: string, sourceId: string, events: unknown[]) =>
  producer.send([{ topic, messages: [{ key: sourceId, value: rawEnvelope(sourceId, events) }] }]);

export const cleanEventsOf = (values: Array<string | null>) =>
  values.flatMap((value) => (value === null ? [] : (JSON.parse(value) as RawEnvelope).events));

export const deadLettersOf = (values: Array<string | null>) =>
  values.flatMap((value) => (value === null ? [] : [JSON.parse(value) as DeadLetter]));

/** Everything on a topic now (reads for `settleMs` after the last message it could find). */
export const readAll = async (kafka: Kafka, topic: string, settleMs = 2_500) =>
  (await readTopic(kafka, topic, () => false, settleMs)).map((message) => message.value);
