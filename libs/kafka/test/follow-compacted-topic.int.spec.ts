import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTopics, testKafka, waitFor } from '@telemetry/test-support';
import { BatchProducer, followCompactedTopic, type TopicNames } from '../src';

describe('followCompactedTopic', () => {
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

  it('rebuilds the latest value per key at start, then follows changes and tombstones live', async () => {
    await producer.send([{
      topic: topics.consent,
      messages: [
        { key: 'subject-a', value: JSON.stringify({ analytics: false }) },
        { key: 'subject-b', value: JSON.stringify({ analytics: true }) },
        { key: 'subject-a', value: JSON.stringify({ analytics: true }) },
        { key: 'subject-c', value: 'not json' },
      ],
    }]);
    const invalid: string[] = [];
    const view = await followCompactedTopic({
      kafka,
      topic: topics.consent,
      groupPrefix: 'test-view',
      parse: (value) => JSON.parse(value.toString('utf8')) as { analytics: boolean },
      onInvalid: (key) => invalid.push(key),
    });
    await view.caughtUp;
    expect(Object.fromEntries(view.values)).toEqual({ 'subject-a': { analytics: true }, 'subject-b': { analytics: true } });
    expect(invalid).toEqual(['subject-c']);

    await producer.send([{ topic: topics.consent, messages: [{ key: 'subject-b', value: null }, { key: 'subject-d', value: '{"analytics":false}' }] }]);
    await waitFor(async () => (view.values.has('subject-d') && !view.values.has('subject-b') ? true : undefined));
    await view.stop();
  });

  it('is caught up at once on an empty topic', async () => {
    const view = await followCompactedTopic({ kafka, topic: topics.catalog, groupPrefix: 'test-view', parse: (v) => v.toString() });
    await view.caughtUp;
    expect(view.values.size).toBe(0);
    await view.stop();
  });
});
