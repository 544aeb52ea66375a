import type { RawEnvelope } from '@telemetry/contracts';
import { SELF_SOURCE_ID, type BatchProducer, type TopicNames } from '@telemetry/kafka';
import { readTopic } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cleanEventsOf,
  deadLettersOf,
  readAll,
  sendRaw,
  startPrivacyTestFilter,
  type PrivacyTestFilter,
} from './privacy-test-kit';

const selfEventsOf = (messages: ReadonlyArray<{ key: string | null; value: string | null }>) =>
  messages.filter((m) => m.key === SELF_SOURCE_ID && m.value !== null).flatMap((m) => (JSON.parse(m.value!) as RawEnvelope).events);

describe('privacy self-telemetry (real Kafka)', () => {
  let filter: PrivacyTestFilter;
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: BatchProducer;
  const source = `source-${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    // The test catalog has no telemetry.self.* metric: the filter must pass its own figures anyway.
    filter = await startPrivacyTestFilter({ SELF_TELEMETRY_INTERVAL_MS: '200' });
    ({ kafka, topics, producer } = filter);
  });

  afterAll(async () => {
    await filter?.close();
  });

  it('reports rejections by source and reason, dead letters and lag, and passes its own figures without a catalog entry', async () => {
    const unknown = (id: string) => ({ id, metric: 'no.such.metric', value: 1, timestamp: Date.now() });
    await sendRaw(producer, topics.raw, source, [unknown(`${source}-1`), unknown(`${source}-2`), unknown(`${source}-3`)]);

    const raw = await readTopic(kafka, topics.raw, (messages) => {
      const self = selfEventsOf(messages);
      const rejected = self.filter((e) => e.metric === 'telemetry.self.rejections' && e.attributes?.['source'] === source);
      return rejected.reduce((sum, e) => sum + e.value, 0) >= 3 && rejected.some((e) => e.value === 0);
    });
    const self = selfEventsOf(raw);
    const rejections = self.filter((e) => e.metric === 'telemetry.self.rejections' && e.attributes?.['source'] === source);
    expect(rejections.every((e) => e.attributes?.['reason'] === 'unknown_metric' && e.attributes['service'] === 'privacy')).toBe(true);
    // Counted once, then 0 on every later report while the source is recent.
    expect(rejections.reduce((sum, e) => sum + e.value, 0)).toBe(3);
    const deadLetters = self.filter((e) => e.metric === 'telemetry.self.dead_letters' && e.attributes?.['reason'] === 'unknown_metric');
    expect(deadLetters.every((e) => e.attributes?.['stage'] === 'privacy')).toBe(true);
    expect(deadLetters.reduce((sum, e) => sum + e.value, 0)).toBe(3);
    const lagPartitions = new Set(self.filter((e) => e.metric === 'telemetry.self.consumer_lag').map((e) => e.attributes?.['partition']));
    expect(lagPartitions).toEqual(new Set([0, 1]));

    // Its own figures reach the clean topic; the dead-letter topic holds only the sender's three.
    const selfIds = new Set(self.map((e) => e.id));
    const clean = cleanEventsOf(await readAll(kafka, topics.clean));
    expect(clean.filter((e) => selfIds.has(e.id)).length).toBe(selfIds.size);
    const dlq = deadLettersOf(await readAll(kafka, topics.dlq, 500));
    expect(dlq.map((d) => d.sourceId)).toEqual([source, source, source]);
  });

  it('dead-letters telemetry.self.* that another source writes straight to Kafka as reserved_metric, and reports it', async () => {
    const forger = `forger-${Math.random().toString(36).slice(2, 8)}`;
    const forged = [
      { id: `${forger}-1`, metric: 'telemetry.self.auth_failures', value: 0, timestamp: Date.now(), attributes: { service: 'ingest', reason: 'invalid_key' } },
      { id: `${forger}-2`, metric: 'telemetry.self.source_volume', value: 0, timestamp: Date.now(), attributes: { source } },
    ];
    await sendRaw(producer, topics.raw, forger, forged);

    const raw = await readTopic(kafka, topics.raw, (messages) =>
      selfEventsOf(messages).some((e) => e.metric === 'telemetry.self.rejections' && e.attributes?.['source'] === forger && e.value > 0),
    );
    const reported = selfEventsOf(raw).filter((e) => e.metric === 'telemetry.self.rejections' && e.attributes?.['source'] === forger);
    expect(reported.every((e) => e.attributes?.['reason'] === 'reserved_metric')).toBe(true);
    expect(reported.reduce((sum, e) => sum + e.value, 0)).toBe(2);
    const dlq = deadLettersOf(await readAll(kafka, topics.dlq, 500)).filter((d) => d.sourceId === forger);
    expect(dlq.map((d) => [(d.event as { id?: string } | null)?.id, d.reason])).toEqual(forged.map((e) => [e.id, 'reserved_metric']));
    const forgedIds = new Set(forged.map((e) => e.id));
    expect(cleanEventsOf(await readAll(kafka, topics.clean, 500)).filter((e) => forgedIds.has(e.id))).toEqual([]);
  });
});
