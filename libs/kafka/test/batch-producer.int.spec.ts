import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTopics, readTopic, testKafka } from '@telemetry/test-support';
import { BatchProducer, type TopicNames } from '../src';

describe('BatchProducer after a failed send', () => {
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: BatchProducer;

  beforeAll(async () => {
    kafka = testKafka();
    ({ topics } = await createTestTopics(kafka, 1));
    producer = await BatchProducer.connect(kafka, { retries: 1 });
  });

  afterAll(async () => {
    await producer?.disconnect();
  });

  it('sends the next batch from a new producer id, so no sequence number of the failed request is reused', async () => {
    await producer.send([{ topic: topics.raw, messages: [{ key: 'k', value: 'before' }] }]);
    const first = producer.raw;
    // A topic that does not exist (and is not created): the send fails.
    await expect(producer.send([{ topic: `${topics.raw}.missing`, messages: [{ key: 'k', value: 'lost' }] }])).rejects.toThrow('Kafka did not acknowledge');
    await producer.send([{ topic: topics.raw, messages: [{ key: 'k', value: 'after' }] }]);
    expect(producer.raw).not.toBe(first);
    const read = await readTopic(kafka, topics.raw, (messages) => messages.length >= 2, 15_000);
    expect(read.map((message) => message.value)).toEqual(['before', 'after']);
  });
});
