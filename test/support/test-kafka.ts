import { randomBytes } from 'node:crypto';
import { createKafka, ensureTopics, topicNames, topicSpecs, type KafkaConnectionConfig, type TopicNames } from '@telemetry/kafka';
import type { Kafka } from 'kafkajs';

export const TEST_KAFKA_CONFIG: KafkaConnectionConfig = {
  KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092',
  KAFKA_CLIENT_ID: 'telemetry-test',
  KAFKA_SSL: false,
};

/** A client of the test broker, or of `brokers` (e.g. a private broker a fault test restarts). */
export const testKafka = (brokers?: string): Kafka =>
  createKafka(brokers === undefined ? TEST_KAFKA_CONFIG : { ...TEST_KAFKA_CONFIG, KAFKA_BROKERS: brokers }, 'test');

/** A unique suffix per test file; the topics of ARCHITECTURE.md with it appended. */
export const uniqueTopicSuffix = (): string => `.${randomBytes(5).toString('hex')}`;

export const createTestTopics = async (kafka: Kafka, partitions = 2): Promise<{ suffix: string; topics: TopicNames }> => {
  const suffix = uniqueTopicSuffix();
  await ensureTopics(kafka, topicSpecs(suffix), partitions);
  return { suffix, topics: topicNames(suffix) };
};

export interface ReadMessage {
  key: string | null;
  value: string | null;
  partition: number;
  offset: string;
}

/**
 * Reads a topic from the beginning until `predicate` holds for what was read (or the timeout
 * passes, which returns what was read so far — the test's assertion says what was missing).
 */
export const readTopic = async (
  kafka: Kafka,
  topic: string,
  predicate: (messages: ReadMessage[]) => boolean,
  timeoutMs = 15_000,
): Promise<ReadMessage[]> => {
  const consumer = kafka.consumer({ groupId: `test-reader-${randomBytes(6).toString('hex')}`, maxWaitTimeInMs: 100 });
  const messages: ReadMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let satisfied: () => void = () => undefined;
    const done = new Promise<void>((resolve) => {
      satisfied = resolve;
    });
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message, partition }) => {
        messages.push({
          key: message.key?.toString('utf8') ?? null,
          value: message.value?.toString('utf8') ?? null,
          partition,
          offset: message.offset,
        });
        if (predicate(messages)) satisfied();
      },
    });
    await Promise.race([done, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
    return messages;
  } finally {
    await consumer.disconnect();
  }
};

/** Polls until `probe` returns a value that is not undefined, or fails after timeoutMs. */
export const waitFor = async <T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000, intervalMs = 100): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`waitFor: condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
};
