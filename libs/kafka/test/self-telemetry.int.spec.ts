import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RawEnvelope } from '@telemetry/contracts';
import { createTestTopics, readTopic, testKafka } from '@telemetry/test-support';
import { BatchProducer, SELF_SOURCE_ID, createDeltaTracker, measureConsumerLag, startBatchConsumer, startSelfTelemetry, type TopicNames } from '../src';

describe('self-telemetry and consumer lag', () => {
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

  it('reports a service\'s figures as telemetry.self.* events on the raw topic', async () => {
    const deltas = createDeltaTracker();
    let authFailures = 0;
    const reporter = startSelfTelemetry({
      producer,
      rawTopic: topics.raw,
      service: 'ingest',
      intervalMs: 200,
      collect: () => [{ name: 'auth_failures', value: deltas('auth', authFailures) }],
    });
    authFailures = 7;
    await new Promise((resolve) => setTimeout(resolve, 500));
    await reporter.stop();
    const messages = await readTopic(kafka, topics.raw, (read) => read.length >= 2);
    const events = messages.flatMap((m) => (JSON.parse(m.value ?? '{}') as RawEnvelope).events);
    expect(messages.every((m) => m.key === SELF_SOURCE_ID)).toBe(true);
    expect(events.every((e) => e.metric === 'telemetry.self.auth_failures' && e.attributes?.['service'] === 'ingest')).toBe(true);
    // Deltas: the 7 failures are reported once, not on every tick.
    expect(events.reduce((sum, e) => sum + e.value, 0)).toBe(7);
  });

  it('measures the lag of a consumer group, and zero once it caught up', async () => {
    const groupId = `lag-${randomUUID()}`;
    await producer.send([{ topic: topics.clean, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: 'x' })) }]);
    const admin = kafka.admin();
    await admin.connect();
    expect(await measureConsumerLag(admin, groupId, topics.clean)).toBe(30);
    let seen = 0;
    const consumer = await startBatchConsumer({ kafka, groupId, topics: [topics.clean], handleBatch: async (m) => { seen += m.length; } });
    const deadline = Date.now() + 20_000;
    while ((seen < 30 || (await measureConsumerLag(admin, groupId, topics.clean)) > 0) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await consumer.stop();
    expect(await measureConsumerLag(admin, groupId, topics.clean)).toBe(0);
    await admin.disconnect();
  });
});
