import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTopics, readTopic, testKafka, waitFor } from '@telemetry/test-support';
import { BatchProducer, startBatchConsumer, type ConsumedMessage, type TopicNames } from '../src';

describe('libs/kafka against the real broker', () => {
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: BatchProducer;

  beforeAll(async () => {
    kafka = testKafka();
    ({ topics } = await createTestTopics(kafka, 2));
    producer = await BatchProducer.connect(kafka);
  });

  afterAll(async () => {
    await producer.disconnect();
  });

  it('produces a batch with acks=all and a consumer group reads all of it in batches', async () => {
    const values = Array.from({ length: 500 }, (_, i) => `message-${i}`);
    await producer.send([{ topic: topics.raw, messages: values.map((value, i) => ({ key: `source-${i % 7}`, value })) }]);

    const received: ConsumedMessage[] = [];
    const batchSizes: number[] = [];
    const consumer = await startBatchConsumer({
      kafka,
      groupId: `group-${randomUUID()}`,
      topics: [topics.raw],
      handleBatch: async (messages) => {
        batchSizes.push(messages.length);
        received.push(...messages);
      },
    });
    await waitFor(async () => (received.length >= values.length ? true : undefined));
    await consumer.stop();

    expect(received.map((m) => m.value?.toString()).sort()).toEqual([...values].sort());
    expect(Math.max(...batchSizes)).toBeGreaterThan(1);
    // Order holds within a key: each source's messages arrive in the order they were produced.
    const bySource = new Map<string, number[]>();
    for (const message of received) {
      const index = Number(message.value?.toString().split('-')[1]);
      bySource.set(message.key ?? '', [...(bySource.get(message.key ?? '') ?? []), index]);
    }
    for (const indexes of bySource.values()) expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
  });

  it('gives a batch again to the group when its consumer died before committing', async () => {
    const groupId = `group-${randomUUID()}`;
    const values = ['a', 'b', 'c', 'd'].map((v) => `${v}-${randomUUID()}`);
    await producer.send([{ topic: topics.clean, messages: values.map((value) => ({ key: 'k', value })) }]);

    // First member: receives the batch, then "dies" (its handler never finishes, so nothing is committed).
    let firstSaw = 0;
    let releaseFirst: () => void = () => undefined;
    const first = await startBatchConsumer({
      kafka,
      groupId,
      topics: [topics.clean],
      sessionTimeoutMs: 6_000,
      handleBatch: async (messages) => {
        firstSaw += messages.length;
        await new Promise<void>((resolve) => {
          releaseFirst = resolve;
        });
        throw new Error('crashed before the batch was durable');
      },
    });
    await waitFor(async () => (firstSaw >= values.length ? true : undefined));
    // Kill it: the in-flight handler fails, so its offsets stay uncommitted.
    releaseFirst();
    await first.stop();

    const secondSaw: string[] = [];
    const second = await startBatchConsumer({
      kafka,
      groupId,
      topics: [topics.clean],
      handleBatch: async (messages) => {
        secondSaw.push(...messages.map((m) => m.value?.toString() ?? ''));
      },
    });
    await waitFor(async () => (secondSaw.length >= values.length ? true : undefined), 30_000);
    await second.stop();
    expect(secondSaw.sort()).toEqual([...values].sort());

    // And once committed, a third member of the group gets nothing again.
    const thirdSaw: string[] = [];
    const third = await startBatchConsumer({
      kafka,
      groupId,
      topics: [topics.clean],
      handleBatch: async (messages) => {
        thirdSaw.push(...messages.map((m) => m.value?.toString() ?? ''));
      },
    });
    await third.joined;
    await producer.send([{ topic: topics.clean, messages: [{ key: 'k', value: 'marker' }] }]);
    await waitFor(async () => (thirdSaw.includes('marker') ? true : undefined), 30_000);
    await third.stop();
    expect(thirdSaw).toEqual(['marker']);
  });

  it('creates compacted topics for consent and catalog', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [topics.consent, topics.raw].map((name) => ({ type: 2, name })),
    });
    await admin.disconnect();
    const policy = (topic: string) =>
      described.resources.find((r) => r.resourceName === topic)?.configEntries.find((e) => e.configName === 'cleanup.policy')?.configValue;
    expect(policy(topics.consent)).toBe('compact');
    expect(policy(topics.raw)).toBe('delete');
  });

  it('reads back exactly what was produced, keys included', async () => {
    const id = randomUUID();
    await producer.send([{ topic: topics.dlq, messages: [{ key: 'src-1', value: id }] }]);
    const messages = await readTopic(kafka, topics.dlq, (read) => read.some((m) => m.value === id));
    expect(messages.find((m) => m.value === id)?.key).toBe('src-1');
  });
});
