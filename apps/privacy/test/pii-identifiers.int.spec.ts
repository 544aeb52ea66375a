import { createHmac, hkdfSync } from 'node:crypto';
import type { RawEnvelope } from '@telemetry/contracts';
import { SELF_SOURCE_ID, type BatchProducer, type TopicNames } from '@telemetry/kafka';
import { readTopic } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  TEST_PSEUDONYM_KEY, cleanEventsOf,
  deadLettersOf,
  readAll,
  sendRaw,
  startPrivacyTestFilter,
  type PrivacyTestFilter,
} from './privacy-test-kit';

/**
 * Issue #5 over real Kafka, as a direct producer writes telemetry.raw.v1: an event id that holds PII
 * leaves the filter as its keyed hash (the same for a replay), and a sourceId that holds PII
 * dead-letters the envelope as invalid_source. The hash is written out here from its definition
 * (HKDF-SHA256 of PSEUDONYM_KEY, then HMAC-SHA256), independently of libs/privacy.
 */
const identifierKey = Buffer.from(hkdfSync('sha256', TEST_PSEUDONYM_KEY, 'telemetry', 'identifier-hash/v1', 32));
const hashed = (identifier: string) => `h:${createHmac('sha256', identifierKey).update(identifier, 'utf8').digest('base64url')}`;

describe('privacy filter: event and source ids that hold PII (real Kafka)', () => {
  let filter: PrivacyTestFilter;
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: BatchProducer;
  const run = Math.random().toString(36).slice(2, 8);

  beforeAll(async () => {
    filter = await startPrivacyTestFilter({ SELF_TELEMETRY_INTERVAL_MS: '200' });
    ({ kafka, topics, producer } = filter);
  });

  afterAll(async () => {
    await filter?.close();
  });

  it('stores an id that holds PII as its keyed hash, the same when the envelope is replayed, and passes other ids as sent', async () => {
    const source = `source-${run}`;
    const piiId = `signup-${run}@example.com`;
    const plainId = `evt-${run}`;
    const phoneLikeUuid = '49921877-8069-400e-9560-e2cf7cdd9b42';
    const unconsentedId = `order-${run}@example.com`;
    const events = [
      { id: piiId, metric: 'app.crash', value: 1, timestamp: Date.now() },
      { id: plainId, metric: 'app.crash', value: 2, timestamp: Date.now() },
      { id: phoneLikeUuid, metric: 'app.crash', value: 3, timestamp: Date.now() },
      { id: unconsentedId, metric: 'page.view', value: 4, timestamp: Date.now(), subjectId: `stranger-${run}` },
    ];
    await sendRaw(producer, topics.raw, source, events);
    await sendRaw(producer, topics.raw, source, events);

    const ownClean = (values: Array<string | null>) => cleanEventsOf(values).filter((event) => [1, 2, 3].includes(event.value));
    const clean = ownClean((await readTopic(kafka, topics.clean, (messages) => ownClean(messages.map((m) => m.value)).length >= 6)).map((m) => m.value));
    expect(clean.map((event) => event.id).sort()).toEqual([hashed(piiId), hashed(piiId), plainId, plainId, phoneLikeUuid, phoneLikeUuid].sort());

    const ownDeadLetters = (values: Array<string | null>) => deadLettersOf(values).filter((letter) => letter.sourceId === source);
    const deadLetters = ownDeadLetters((await readTopic(kafka, topics.dlq, (messages) => ownDeadLetters(messages.map((m) => m.value)).length >= 2)).map((m) => m.value));
    expect(deadLetters.map((letter) => [(letter.event as { id?: string }).id, letter.reason])).toEqual([
      [hashed(unconsentedId), 'no_consent'],
      [hashed(unconsentedId), 'no_consent'],
    ]);
    const out = JSON.stringify([cleanEventsOf(await readAll(kafka, topics.clean, 500)), deadLettersOf(await readAll(kafka, topics.dlq, 500))]);
    expect(out).not.toContain(`${run}@example.com`);
  });

  it('dead-letters every event of a direct producer whose sourceId holds PII as invalid_source, never echoing it, and passes a UUID source', async () => {
    const piiSource = `bob-${run}@example.com`;
    const uuidSource = '49921877-8069-400e-9560-e2cf7cdd9b43';
    const events = (prefix: string) => [1, 2].map((index) => ({ id: `${prefix}-${index}-${run}`, metric: 'app.crash', value: index, timestamp: Date.now() }));
    await sendRaw(producer, topics.raw, piiSource, events('named'));
    await sendRaw(producer, topics.raw, uuidSource, events('uuid'));

    const isOwn = (letter: { event: unknown }) => String((letter.event as { id?: string } | null)?.id).endsWith(run);
    const dlqMessages = await readTopic(kafka, topics.dlq, (messages) => deadLettersOf(messages.map((m) => m.value)).filter(isOwn).length >= 2);
    const named = dlqMessages.filter((message) => message.key === hashed(piiSource));
    expect(deadLettersOf(named.map((message) => message.value)).map((letter) => [letter.sourceId, (letter.event as { id: string }).id, letter.reason])).toEqual([
      [hashed(piiSource), `named-1-${run}`, 'invalid_source'],
      [hashed(piiSource), `named-2-${run}`, 'invalid_source'],
    ]);

    const clean = await readTopic(kafka, topics.clean, (messages) => cleanEventsOf(messages.map((m) => m.value)).filter((event) => event.id.startsWith('uuid-')).length >= 2);
    const uuidEnvelopes = clean.filter((message) => message.key === uuidSource).map((message) => JSON.parse(message.value ?? '{}') as RawEnvelope);
    expect(uuidEnvelopes.flatMap((envelope) => envelope.events.map((event) => [envelope.sourceId, event.id]))).toEqual([
      [uuidSource, `uuid-1-${run}`],
      [uuidSource, `uuid-2-${run}`],
    ]);
    expect(cleanEventsOf(clean.map((message) => message.value)).filter((event) => event.id.startsWith('named-'))).toEqual([]);

    // The filter's own report names the source by its hash too: those events skip scrubbing.
    const invalidSourceRejections = (messages: ReadonlyArray<{ key: string | null; value: string | null }>) =>
      messages
        .filter((message) => message.key === SELF_SOURCE_ID)
        .flatMap((message) => (JSON.parse(message.value ?? '{}') as RawEnvelope).events)
        .filter((event) => event.metric === 'telemetry.self.rejections' && event.attributes?.['reason'] === 'invalid_source' && event.value > 0);
    const raw = await readTopic(kafka, topics.raw, (messages) => invalidSourceRejections(messages).length > 0);
    expect(invalidSourceRejections(raw).map((event) => [event.attributes?.['source'], event.value])).toEqual([[hashed(piiSource), 2]]);
    const everything = JSON.stringify([
      raw.filter((message) => message.key === SELF_SOURCE_ID),
      await readAll(kafka, topics.clean, 500),
      await readAll(kafka, topics.dlq, 500),
    ]);
    expect(everything).not.toContain(`${run}@example.com`);
  });
});
