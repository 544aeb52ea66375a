import type { INestApplicationContext } from '@nestjs/common';
import type { TelemetryEvent } from '@telemetry/contracts';
import { BatchProducer } from '@telemetry/kafka';
import { METRICS_REGISTRY } from '@telemetry/service-runtime';
import { createTestDatabase, createTestTopics, readTopic, testKafka, waitFor, type TestDatabase } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition, envelopes, publishCatalog, startQuietProcessor } from './processor-fixtures';

/**
 * Events PostgreSQL refuses for good (a permanent SQLSTATE) must not stall their partition: the
 * batch is bisected, exactly the refused events are dead-lettered, the others stored once, and the
 * offsets committed. The contracts validator now refuses the fuzz's own triggers, so these tests
 * make PostgreSQL refuse events the validator accepts.
 */
const MINUTE_MS = 60_000;
/** Ten minutes ago, on a minute boundary: inside today's partition. */
const BASE_MS = Math.floor((Date.now() - 10 * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
/** The test database's own rule: no stored value above this (the processor does not know it exists). */
const VALUE_LIMIT = 1e12;

let db: TestDatabase;
let kafka: Kafka;
let topics: Awaited<ReturnType<typeof createTestTopics>>['topics'];
let app: INestApplicationContext;
let producer: BatchProducer;

const count = async (sql: string, params: unknown[] = []) => Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]?.n);

const latency = (id: string, value: number, minute = 0): TelemetryEvent => ({
  id,
  metric: 'app.latency',
  value,
  timestamp: BASE_MS + minute * MINUTE_MS,
  subjectId: 'pseudonym-7f3a',
  attributes: { region: 'eu' },
});

const waitUntilStored = (eventId: string) =>
  waitFor(async () => ((await count(`SELECT count(*) AS n FROM data_points WHERE event_id = $1`, [eventId])) > 0 ? true : undefined), 30_000);

const deadLetters = async (predicate: (records: Array<Record<string, unknown>>) => boolean) =>
  (await readTopic(kafka, topics.dlq, (messages) => predicate(messages.map((m) => JSON.parse(m.value ?? 'null') as Record<string, unknown>)))).map(
    (m) => JSON.parse(m.value ?? 'null') as Record<string, unknown>,
  );

const deadLetterCount = async (reason: string): Promise<number> => {
  const metric = await app.get<Registry>(METRICS_REGISTRY).getSingleMetric('processor_dead_letters_total')?.get();
  return metric?.values.find((value) => value.labels['reason'] === reason)?.value ?? 0;
};

beforeAll(async () => {
  db = await createTestDatabase();
  kafka = testKafka();
  // One partition: every batch below goes through the same one, in order.
  const created = await createTestTopics(kafka, 1);
  topics = created.topics;
  await publishCatalog(kafka, topics, [definition('app.latency', 'histogram', ['region'])]);
  app = await startQuietProcessor(db.url, created.suffix);
  // After start-up, which has created today's partitions: ALTER TABLE reaches every partition.
  await db.pool.query(`ALTER TABLE data_points ADD CONSTRAINT value_within_limit CHECK (value < ${VALUE_LIMIT})`);
  producer = await BatchProducer.connect(kafka);
});

afterAll(async () => {
  await producer?.disconnect();
  await app?.close();
  await db?.drop();
});

describe('processor: events PostgreSQL refuses for good', () => {
  it('dead-letters exactly the refused event, stores the others once, and keeps the partition flowing', async () => {
    const valid = Array.from({ length: 300 }, (_, i) => latency(`ok-${i}`, i + 1, i % 3));
    const poison = latency('poison-1', VALUE_LIMIT * 10, 1);
    // One produce request, one fetch: the poison event sits in the middle of the batch's second envelope.
    const events = [...valid.slice(0, 150), poison, ...valid.slice(150), latency('marker-1', 1)];
    await producer.send([{ topic: topics.clean, messages: envelopes('src-a', events, 100) }]);
    await waitUntilStored('marker-1');

    expect(await count(`SELECT count(*) AS n FROM data_points WHERE event_id LIKE 'ok-%'`)).toBe(300);
    expect(await count(`SELECT count(DISTINCT event_id) AS n FROM data_points WHERE event_id LIKE 'ok-%'`)).toBe(300);
    expect(await count(`SELECT count(*) AS n FROM data_points WHERE event_id = 'poison-1'`)).toBe(0);
    // Rolled up once: the bucket counts add up to the rows, and the refused value is in no bucket.
    expect(await count(`SELECT sum(count) AS n FROM rollups_1m WHERE metric = 'app.latency'`)).toBe(301);
    expect(await count(`SELECT max(max) AS n FROM rollups_1m WHERE metric = 'app.latency'`)).toBe(300);

    const [record, ...others] = await deadLetters((records) => records.length > 0);
    expect(others).toEqual([]);
    expect(record).toMatchObject({
      sourceId: 'src-a',
      stage: 'processor',
      event: { id: 'poison-1', metric: 'app.latency', value: VALUE_LIMIT * 10, subjectId: 'pseudonym-7f3a', attributes: { region: 'eu' } },
    });
    expect(record?.['reason']).toMatch(/^db_integrity_violation: SQLSTATE 23514: .*value_within_limit/);
    expect(await deadLetterCount('db_integrity_violation')).toBe(1);

    // The offsets were committed: a later batch is stored, and the refused one is not tried again.
    await producer.send([{ topic: topics.clean, messages: envelopes('src-a', [latency('later-1', 5), latency('marker-2', 1)]) }]);
    await waitUntilStored('marker-2');
    expect(await count(`SELECT count(*) AS n FROM data_points WHERE event_id = 'later-1'`)).toBe(1);
    expect(await deadLetterCount('db_integrity_violation')).toBe(1);
    expect(await count(`SELECT sum(count) AS n FROM rollups_1m WHERE metric = 'app.latency'`)).toBe(303);
  });

  it('dead-letters the events of an envelope whose source id PostgreSQL cannot store (NUL), beside valid envelopes', async () => {
    // The envelope schema takes any non-empty sourceId; text with NUL is refused by PostgreSQL (22021).
    const badSource = 'src-\u0000-b';
    await producer.send([
      {
        topic: topics.clean,
        messages: [
          ...envelopes('src-c', [latency('c-1', 1), latency('c-2', 2)]),
          ...envelopes(badSource, [latency('nul-1', 3)]),
          ...envelopes('src-c', [latency('c-3', 3), latency('marker-3', 1)]),
        ],
      },
    ]);
    await waitUntilStored('marker-3');

    expect(await count(`SELECT count(*) AS n FROM data_points WHERE event_id IN ('c-1', 'c-2', 'c-3')`)).toBe(3);
    expect(await count(`SELECT count(*) AS n FROM data_points WHERE event_id = 'nul-1'`)).toBe(0);
    const records = await deadLetters((all) => all.some((r) => (r['event'] as { id?: string } | null)?.id === 'nul-1'));
    const record = records.find((r) => (r['event'] as { id?: string } | null)?.id === 'nul-1');
    expect(record).toMatchObject({ sourceId: badSource, stage: 'processor' });
    expect(record?.['reason']).toMatch(/^db_data_exception: SQLSTATE 22021: /);
    expect(await deadLetterCount('db_data_exception')).toBe(1);
  });
});
