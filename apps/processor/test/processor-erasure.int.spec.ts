import type { INestApplicationContext } from '@nestjs/common';
import type { TelemetryEvent } from '@telemetry/contracts';
import { enterErasureFenceExclusive, enterErasureFenceShared } from '@telemetry/db';
import { BatchProducer } from '@telemetry/kafka';
import { METRICS_REGISTRY } from '@telemetry/service-runtime';
import { createTestDatabase, createTestTopics, testKafka, waitFor, type TestDatabase } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition, envelopes, publishCatalog, startQuietProcessor } from './processor-fixtures';

/**
 * GDPR erasure vs. the pipeline (issue #5/#9): events acknowledged before an erasure but stored
 * after it must not bring the subject's rows back. Real Kafka and PostgreSQL; the erasure request
 * is written as requestErasure records it (the processor only ever sees the pseudonym).
 */
const MINUTE_MS = 60_000;
const BASE_MS = Math.floor((Date.now() - 10 * MINUTE_MS) / MINUTE_MS) * MINUTE_MS;
const ERASED = 'pseudonym-erased-1';
const RECONSENTED = 'pseudonym-reconsented-2';
const OTHER = 'pseudonym-other-3';

let db: TestDatabase;
let kafka: Kafka;
let topics: Awaited<ReturnType<typeof createTestTopics>>['topics'];
let app: INestApplicationContext;
let producer: BatchProducer;

const count = async (sql: string, params: unknown[] = []) => Number((await db.pool.query<{ n: string | null }>(sql, params)).rows[0]?.n ?? 0);
const rowsOf = (subject: string) => count(`SELECT count(*) AS n FROM data_points WHERE subject = $1`, [subject]);
const rolledUp = (cohort: string) => count(`SELECT sum(count) AS n FROM rollups_1m WHERE metric = 'app.visits' AND attributes->>'cohort' = $1`, [cohort]);

const visit = (id: string, subjectId: string, cohort: string): TelemetryEvent => ({
  id,
  metric: 'app.visits',
  value: 1,
  timestamp: BASE_MS,
  subjectId,
  attributes: { cohort },
});

const waitUntilStored = (eventId: string) =>
  waitFor(async () => ((await count(`SELECT count(*) AS n FROM data_points WHERE event_id = $1`, [eventId])) > 0 ? true : undefined), 30_000);

const erasedPointsCounted = async (): Promise<number> =>
  (await app.get<Registry>(METRICS_REGISTRY).getSingleMetric('processor_erased_points_total')?.get())?.values[0]?.value ?? 0;

const deadLettersCounted = async (): Promise<number> =>
  ((await app.get<Registry>(METRICS_REGISTRY).getSingleMetric('processor_dead_letters_total')?.get())?.values ?? []).reduce((sum, v) => sum + v.value, 0);

const recordErasure = (subject: string, at: Date) =>
  db.pool.query(`INSERT INTO erasure_requests (subject, status, requested_at, completed_at) VALUES ($1, 'completed', $2, $2)`, [subject, at]);

beforeAll(async () => {
  db = await createTestDatabase();
  kafka = testKafka();
  const created = await createTestTopics(kafka, 1);
  topics = created.topics;
  await publishCatalog(kafka, topics, [definition('app.visits', 'counter', ['cohort'])]);
  app = await startQuietProcessor(db.url, created.suffix);
  producer = await BatchProducer.connect(kafka);
});

afterAll(async () => {
  await producer?.disconnect();
  await app?.close();
  await db?.drop();
});

describe('processor: events of an erased subject still in flight', () => {
  it('drops the points received before the subject\'s erasure, from rows and rollups, without dead-lettering them', async () => {
    const erasedAt = new Date();
    await recordErasure(ERASED, erasedAt);
    const before = new Date(erasedAt.getTime() - 5_000);
    // One fetch: the erased subject's events ride beside another subject's, which are stored.
    await producer.send([
      {
        topic: topics.clean,
        messages: [
          ...envelopes('src-a', [visit('erased-1', ERASED, 'erased'), visit('other-1', OTHER, 'other'), visit('erased-2', ERASED, 'erased')], 500, before),
          ...envelopes('src-a', [visit('marker-1', OTHER, 'other')], 500, before),
        ],
      },
    ]);
    await waitUntilStored('marker-1');

    expect(await rowsOf(ERASED)).toBe(0);
    expect(await rowsOf(OTHER)).toBe(2);
    expect(await rolledUp('erased')).toBe(0);
    expect(await rolledUp('other')).toBe(2);
    expect(await erasedPointsCounted()).toBe(2);
    // Dropped, not refused: nothing about them (pseudonym included) goes to the DLQ.
    expect(await deadLettersCounted()).toBe(0);
  });

  it('stores the points received after a new consent that followed the erasure, and drops those received before it', async () => {
    const erasedAt = new Date(Date.now() - 60_000);
    await recordErasure(RECONSENTED, erasedAt);
    await db.pool.query(`INSERT INTO consents (subject, purposes, updated_at) VALUES ($1, '{"analytics": true}', $2)`, [
      RECONSENTED,
      new Date(erasedAt.getTime() + 30_000),
    ]);
    await producer.send([
      {
        topic: topics.clean,
        messages: [
          ...envelopes('src-b', [visit('old-1', RECONSENTED, 'reconsented')], 500, new Date(erasedAt.getTime() - 1_000)),
          ...envelopes('src-b', [visit('new-1', RECONSENTED, 'reconsented'), visit('new-2', RECONSENTED, 'reconsented')], 500, new Date()),
          ...envelopes('src-b', [visit('marker-2', OTHER, 'other')]),
        ],
      },
    ]);
    await waitUntilStored('marker-2');

    const { rows } = await db.pool.query<{ event_id: string }>(`SELECT event_id FROM data_points WHERE subject = $1 ORDER BY event_id`, [RECONSENTED]);
    expect(rows.map((row) => row.event_id)).toEqual(['new-1', 'new-2']);
    expect(await rolledUp('reconsented')).toBe(2);
    expect(await erasedPointsCounted()).toBe(3);
  });

  it('drops points received after the erasure while no consent has been recorded since (the privacy filter\'s view lagging behind it)', async () => {
    await producer.send([
      {
        topic: topics.clean,
        messages: [...envelopes('src-c', [visit('late-1', ERASED, 'erased')], 500, new Date()), ...envelopes('src-c', [visit('marker-3', OTHER, 'other')])],
      },
    ]);
    await waitUntilStored('marker-3');
    expect(await rowsOf(ERASED)).toBe(0);
    expect(await rolledUp('erased')).toBe(0);
    expect(await erasedPointsCounted()).toBe(4);
  });
});

describe('erasure fence', () => {
  it('makes the erasure\'s DELETE wait for a storing transaction in flight, and see what it committed', async () => {
    const storing = await db.pool.connect();
    const erasing = await db.pool.connect();
    try {
      await storing.query('BEGIN');
      await enterErasureFenceShared(storing);
      await storing.query(
        `INSERT INTO data_points (time, metric, value, subject, source_id, attributes, event_id, received_at)
         VALUES ($1, 'app.visits', 1, 'pseudonym-race-4', 'src-d', '{}', 'race-1', now())`,
        [new Date(BASE_MS)],
      );

      await erasing.query('BEGIN');
      let fenced = false;
      const erasure = enterErasureFenceExclusive(erasing).then(() => {
        fenced = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(fenced).toBe(false);

      await storing.query('COMMIT');
      await erasure;
      const deleted = await erasing.query(`DELETE FROM data_points WHERE subject = 'pseudonym-race-4'`);
      await erasing.query('COMMIT');
      expect(deleted.rowCount).toBe(1);
      expect(await rowsOf('pseudonym-race-4')).toBe(0);
    } finally {
      storing.release();
      erasing.release();
    }
  });
});
