import { createSource, type CreatedSource } from '@telemetry/admin';
import type { TopicNames } from '@telemetry/kafka';
import { createLogger } from '@telemetry/service-runtime';
import { createTestDatabase, createTestTopics, readTopic, testKafka, TEST_KAFKA_CONFIG, type ReadMessage, type TestDatabase } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import { ingestConfigWith, type IngestConfig } from '../src/config';
import { createIngestApp, type IngestApp } from '../src/ingest-app';

export interface IngestTestContext {
  database: TestDatabase;
  kafka: Kafka;
  topics: TopicNames;
  suffix: string;
  ingest: IngestApp;
  source: CreatedSource;
  /** Starts another ingest instance on the same database and topics (other limits, TLS …). */
  startIngest: (overrides?: Partial<IngestConfig>) => Promise<IngestApp>;
  readRaw: (predicate: (messages: ReadMessage[]) => boolean, timeoutMs?: number) => Promise<ReadMessage[]>;
  close: () => Promise<void>;
}

/** Test config: own database and topics, a free port, quiet logs, short key caches so revocation is quick to observe. */
export const testIngestConfig = (database: TestDatabase, suffix: string, overrides: Partial<IngestConfig> = {}): IngestConfig =>
  ingestConfigWith({
    KAFKA_BROKERS: TEST_KAFKA_CONFIG.KAFKA_BROKERS,
    KAFKA_TOPIC_SUFFIX: suffix,
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: 3,
    INGEST_PORT: 0,
    INGEST_HOST: '127.0.0.1',
    INGEST_KEY_CACHE_TTL_MS: 300,
    INGEST_KEY_NEGATIVE_CACHE_TTL_MS: 100,
    INGEST_KAFKA_PRODUCERS: 1,
    ...overrides,
  });

export const quietLogger = () => createLogger('ingest-test', 'silent');

export const startIngestTestContext = async (overrides: Partial<IngestConfig> = {}): Promise<IngestTestContext> => {
  const database = await createTestDatabase();
  const kafka = testKafka();
  const { suffix, topics } = await createTestTopics(kafka);
  const started: IngestApp[] = [];
  const startIngest = async (more: Partial<IngestConfig> = {}) => {
    const app = await createIngestApp(testIngestConfig(database, suffix, { ...overrides, ...more }), { logger: quietLogger() });
    started.push(app);
    return app;
  };
  const ingest = await startIngest();
  const source = await createSource(database.pool, `source-${suffix}`);
  return {
    database,
    kafka,
    topics,
    suffix,
    ingest,
    source,
    startIngest,
    readRaw: (predicate, timeoutMs) => readTopic(kafka, topics.raw, predicate, timeoutMs),
    close: async () => {
      await Promise.all(started.map((app) => app.close()));
      await database.drop();
    },
  };
};

export interface PostOptions {
  apiKey?: string | null;
  contentType?: string;
  headers?: Record<string, string>;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  json: () => unknown;
  text: string;
}

export const post = async (url: string, body: string | Uint8Array, options: PostOptions & { path?: string } = {}): Promise<HttpAnswer> => {
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', ...options.headers };
  if (options.apiKey) headers['authorization'] = `Bearer ${options.apiKey}`;
  const response = await fetch(`${url}${options.path ?? '/v1/events'}`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) as unknown };
};

let eventCounter = 0;
/** A valid event with a unique id; fields can be overridden to make it invalid. */
export const validEvent = (overrides: Record<string, unknown> = {}) => ({
  id: `evt-${process.pid}-${Date.now()}-${eventCounter++}`,
  metric: 'checkout.latency',
  value: 120,
  timestamp: Date.now(),
  attributes: { region: 'eu-west-1' },
  ...overrides,
});

export interface RawEnvelopeMessage {
  key: string | null;
  envelope: { sourceId: string; receivedAt: string; events: { id: string; metric: string; value: number }[] };
}

export const envelopesOf = (messages: ReadMessage[]): RawEnvelopeMessage[] =>
  messages.map((message) => ({ key: message.key, envelope: JSON.parse(message.value ?? 'null') as RawEnvelopeMessage['envelope'] }));

export const eventIdsIn = (messages: ReadMessage[]): string[] => envelopesOf(messages).flatMap(({ envelope }) => envelope.events.map((event) => event.id));
