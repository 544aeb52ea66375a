import { loadConfig } from '@telemetry/config';
import type { RollupRecord, TelemetryEvent } from '@telemetry/contracts';
import { findPatterns } from '@telemetry/db';
import { BatchProducer } from '@telemetry/kafka';
import { createTestDatabase, createTestTopics, readTopic, testKafka, waitFor, type TestDatabase } from '@telemetry/test-support';
import type { INestApplicationContext } from '@nestjs/common';
import { METRICS_REGISTRY } from '@telemetry/service-runtime';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processorConfigSchema } from '../src/config';
import { saveReferenceData } from '../src/enrichment/reference-data.repository';
import { MiningJob } from '../src/mining/mining.job';
import { createProcessorApp } from '../src/processor.module';
import { ProcessorService } from '../src/processor.service';
import { RetentionJob } from '../src/retention/retention.job';
import { definition, envelopes, publishCatalog, tailValues, withinSketchError } from './processor-fixtures';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
/** Two hours ago, on an hour boundary: every bucket is closed at once (wall-clock watermark). */
const BASE_MS = Math.floor((Date.now() - 2 * HOUR_MS) / HOUR_MS) * HOUR_MS;

let db: TestDatabase;
let kafka: Kafka;
let topics: Awaited<ReturnType<typeof createTestTopics>>['topics'];
let app: INestApplicationContext;
let producer: BatchProducer;
let sentinel = 0;

/** A few envelopes per request: one request to one partition must stay under the broker's 1 MiB message limit. */
const send = async (sourceId: string, events: TelemetryEvent[]) => {
  const messages = envelopes(sourceId, events);
  for (let start = 0; start < messages.length; start += 5) {
    await producer.send([{ topic: topics.clean, messages: messages.slice(start, start + 5) }]);
  }
};

/** Sends a marker event after `events` on the same source (same partition, so in order) and waits until it is stored. */
const sendAndSettle = async (sourceId: string, events: TelemetryEvent[]) => {
  sentinel += 1;
  const marker: TelemetryEvent = { id: `sentinel-${sourceId}-${sentinel}`, metric: 'test.sentinel', value: 1, timestamp: BASE_MS };
  await send(sourceId, [...events, marker]);
  await waitFor(async () => {
    const { rows } = await db.pool.query(`SELECT 1 FROM data_points WHERE event_id = $1`, [marker.id]);
    return rows.length > 0 ? true : undefined;
  }, 30_000);
};

const count = async (sql: string, params: unknown[] = []) => Number((await db.pool.query<{ n: string }>(sql, params)).rows[0]?.n);

beforeAll(async () => {
  db = await createTestDatabase();
  kafka = testKafka();
  const created = await createTestTopics(kafka, 2);
  topics = created.topics;
  await saveReferenceData(db.pool, 'devices', [
    { key: 'd1', attributes: { model: 'X200', firmware: 2 } },
    { key: 'd2', attributes: { model: 'Y9', firmware: 3 } },
  ], false);
  await publishCatalog(kafka, topics, [
    definition('app.latency', 'histogram', ['region']),
    definition('app.requests', 'counter', ['region']),
    definition('app.errors', 'counter', ['region']),
    definition('app.error_rate', 'derived', ['region'], { formula: '100 * sum(app.errors) / sum(app.requests)' }),
    definition('app.failed', 'gauge', ['app_version', 'region']),
    definition('device.temp', 'gauge', ['device_id']),
    definition('old.metric', 'gauge', [], { retentionDays: 1 }),
  ]);
  const config = loadConfig(processorConfigSchema, {
    DATABASE_URL: db.url,
    KAFKA_TOPIC_SUFFIX: created.suffix,
    PROCESSOR_GROUP_ID: `processor${created.suffix}`,
    REFDATA_JOIN: 'devices:device_id',
    ROLLUP_ALLOWED_LATENESS_MS: '1000',
    ROLLUP_PUBLISH_INTERVAL_MS: '200',
    ROLLUP_HOURLY_INTERVAL_MS: String(HOUR_MS),
    MINING_INTERVAL_MS: '0',
    LOG_LEVEL: 'warn',
  });
  app = await createProcessorApp(config);
  await app.get(ProcessorService).joined;
  producer = await BatchProducer.connect(kafka);
});

afterAll(async () => {
  await producer?.disconnect();
  await app?.close();
  await db?.drop();
});

describe('processor', () => {
  const latencyValues = tailValues(3_000, 17);
  const latencyEvents: TelemetryEvent[] = latencyValues.map((value, i) => ({
    id: `lat-${i}`,
    metric: 'app.latency',
    value,
    // Three minutes, two regions; the host attribute is not declared and must not split series.
    timestamp: new Date(BASE_MS + (i % 3) * MINUTE_MS + (i % 50) * 1_000).toISOString(),
    subjectId: `p-${i % 7}`,
    attributes: { region: i % 2 === 0 ? 'eu' : 'us', host: `h${i % 5}` },
  }));
  const expectedBuckets = () => {
    const groups = new Map<string, number[]>();
    latencyEvents.forEach((event) => {
      const minute = Math.floor(Date.parse(String(event.timestamp)) / MINUTE_MS) * MINUTE_MS;
      const key = `region=${String(event.attributes?.['region'])}|${minute}`;
      groups.set(key, [...(groups.get(key) ?? []), event.value]);
    });
    return groups;
  };

  it('stores every event once and rolls them up with exact count/sum/min/max and quantiles within 1%', async () => {
    await sendAndSettle('src-a', latencyEvents);
    expect(await count(`SELECT count(*) AS n FROM data_points WHERE metric = 'app.latency'`)).toBe(latencyEvents.length);
    const stored = await db.pool.query(`SELECT subject, source_id, attributes, received_at FROM data_points WHERE event_id = 'lat-3'`);
    expect(stored.rows[0]).toMatchObject({ subject: 'p-3', source_id: 'src-a', attributes: { region: 'us', host: 'h3' } });

    const { rows } = await db.pool.query<{ series: string; bucket_start: Date; count: string; sum: number; min: number; max: number; p50: number; p95: number; p99: number }>(
      `SELECT series, bucket_start, count, sum, min, max, p50, p95, p99 FROM rollups_1m WHERE metric = 'app.latency'`,
    );
    const expected = expectedBuckets();
    expect(rows).toHaveLength(expected.size);
    for (const row of rows) {
      const values = expected.get(`${row.series}|${row.bucket_start.getTime()}`);
      if (!values) throw new Error(`unexpected bucket ${row.series} ${row.bucket_start.toISOString()}`);
      const sorted = [...values].sort((a, b) => a - b);
      expect(Number(row.count)).toBe(values.length);
      expect(row.sum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 6);
      expect([row.min, row.max]).toEqual([sorted[0], sorted[sorted.length - 1]]);
      expect(withinSketchError(sorted, 0.5, row.p50)).toBe(true);
      expect(withinSketchError(sorted, 0.95, row.p95)).toBe(true);
      expect(withinSketchError(sorted, 0.99, row.p99)).toBe(true);
    }
  });

  it('adds nothing when a batch is replayed, and counts the replays as dedupe hits', async () => {
    const before = await db.pool.query(`SELECT series, bucket_start, count, sum, sketch FROM rollups_1m WHERE metric = 'app.latency' ORDER BY 1, 2`);
    await sendAndSettle('src-a', latencyEvents.slice(0, 1_200));
    expect(await count(`SELECT count(*) AS n FROM data_points WHERE metric = 'app.latency'`)).toBe(latencyEvents.length);
    const after = await db.pool.query(`SELECT series, bucket_start, count, sum, sketch FROM rollups_1m WHERE metric = 'app.latency' ORDER BY 1, 2`);
    expect(after.rows).toEqual(before.rows);
    const dedupe = await app.get<Registry>(METRICS_REGISTRY).getSingleMetric('processor_dedupe_hits_total')?.get();
    expect(dedupe?.values[0]?.value).toBe(1_200);
  });

  it('stores and rolls up once an event that appears twice in one batch', async () => {
    const event: TelemetryEvent = { id: 'dup-1', metric: 'app.dup', value: 7, timestamp: BASE_MS };
    await sendAndSettle('src-h', [event, { id: 'dup-2', metric: 'app.dup', value: 3, timestamp: BASE_MS }, event]);
    expect(await count(`SELECT count(*) AS n FROM data_points WHERE metric = 'app.dup'`)).toBe(2);
    const { rows } = await db.pool.query(`SELECT count, sum FROM rollups_1m WHERE metric = 'app.dup'`);
    expect(rows).toEqual([{ count: '2', sum: 10 }]);
  });

  it('publishes closed buckets, and publishes a bucket again when a late event lands in it', async () => {
    const bucketStart = new Date(BASE_MS).toISOString();
    const isFirstBucket = (record: RollupRecord) => record.metric === 'app.latency' && record.series === 'region=eu' && record.bucketStart === bucketStart;
    const expectedCount = expectedBuckets().get(`region=eu|${BASE_MS}`)?.length ?? 0;
    const parse = (messages: Array<{ value: string | null }>) => messages.map((m) => JSON.parse(m.value ?? 'null') as RollupRecord).filter(isFirstBucket);
    // Old data closes its buckets at once, so a bucket may be published after its first batch and
    // again after the next; the latest record carries the full count.
    const first = parse(await readTopic(kafka, topics.rollup, (messages) => parse(messages).some((r) => r.count === expectedCount), 20_000));
    expect(first.at(-1)).toMatchObject({ bucketSeconds: 60, count: expectedCount });

    await sendAndSettle('src-a', [{ id: 'late-1', metric: 'app.latency', value: 99_999, timestamp: BASE_MS + 30_000, attributes: { region: 'eu' } }]);
    const again = parse(await readTopic(kafka, topics.rollup, (messages) => parse(messages).some((r) => r.count === expectedCount + 1), 20_000));
    expect(again.at(-1)).toMatchObject({ count: expectedCount + 1, max: 99_999 });
    const row = await db.pool.query(`SELECT count, max FROM rollups_1m WHERE metric = 'app.latency' AND series = 'region=eu' AND bucket_start = $1`, [new Date(BASE_MS)]);
    expect(row.rows[0]).toEqual({ count: String(expectedCount + 1), max: 99_999 });
  });

  it('evaluates a derived metric per bucket and series from its inputs', async () => {
    const events: TelemetryEvent[] = [];
    const perMinute = [
      { region: 'eu', requests: 40, errors: 2 },
      { region: 'us', requests: 25, errors: 5 },
    ];
    for (let minute = 0; minute < 2; minute += 1) {
      for (const { region, requests, errors } of perMinute) {
        for (let i = 0; i < requests + minute; i += 1) {
          events.push({ id: `req-${region}-${minute}-${i}`, metric: 'app.requests', value: 1, timestamp: BASE_MS + minute * MINUTE_MS + i, attributes: { region } });
        }
        for (let i = 0; i < errors; i += 1) {
          events.push({ id: `err-${region}-${minute}-${i}`, metric: 'app.errors', value: 1, timestamp: BASE_MS + minute * MINUTE_MS + i, attributes: { region } });
        }
      }
    }
    // Split across two sources (two partitions, possibly processed at the same time).
    await Promise.all([sendAndSettle('src-b', events.filter((_, i) => i % 2 === 0)), sendAndSettle('src-c', events.filter((_, i) => i % 2 === 1))]);
    const { rows } = await db.pool.query<{ series: string; bucket_start: Date; value: number }>(
      `SELECT series, bucket_start, value FROM rollups_1m WHERE metric = 'app.error_rate' ORDER BY series, bucket_start`,
    );
    expect(rows.map((r) => [r.series, r.bucket_start.getTime() - BASE_MS, r.value])).toEqual([
      ['region=eu', 0, (100 * 2) / 40],
      ['region=eu', MINUTE_MS, (100 * 2) / 41],
      ['region=us', 0, (100 * 5) / 25],
      ['region=us', MINUTE_MS, (100 * 5) / 26],
    ]);
  });

  it('joins reference data onto events so rollups are grouped by the enriched attributes', async () => {
    await sendAndSettle('src-d', [
      { id: 't1', metric: 'device.temp', value: 40, timestamp: BASE_MS, attributes: { device_id: 'd1' } },
      { id: 't2', metric: 'device.temp', value: 42, timestamp: BASE_MS, attributes: { device_id: 'd1' } },
      { id: 't3', metric: 'device.temp', value: 50, timestamp: BASE_MS, attributes: { device_id: 'd2' } },
      { id: 't4', metric: 'device.temp', value: 30, timestamp: BASE_MS, attributes: { device_id: 'unknown' } },
    ]);
    const { rows } = await db.pool.query<{ series: string; attributes: Record<string, unknown>; count: string }>(
      `SELECT series, attributes, count FROM rollups_1m WHERE metric = 'device.temp' ORDER BY series`,
    );
    expect(rows).toEqual([
      { series: 'device_id=d1,firmware=2,model=X200', attributes: { device_id: 'd1', model: 'X200', firmware: 2 }, count: '2' },
      { series: 'device_id=d2,firmware=3,model=Y9', attributes: { device_id: 'd2', model: 'Y9', firmware: 3 }, count: '1' },
      { series: 'device_id=unknown', attributes: { device_id: 'unknown' }, count: '1' },
    ]);
    const grouped = await db.pool.query(`SELECT attributes->>'model' AS model, sum(count)::int AS n FROM rollups_1m WHERE metric = 'device.temp' GROUP BY 1 ORDER BY 1`);
    expect(grouped.rows).toEqual([{ model: 'X200', n: 2 }, { model: 'Y9', n: 1 }, { model: null, n: 1 }]);
  });

  it('derives hourly rollups from the minutes, quantiles included', async () => {
    await app.get(ProcessorService).runJobsNow(['hourly']);
    const { rows } = await db.pool.query<{ series: string; count: string; sum: number; min: number; max: number; p50: number; p99: number }>(
      `SELECT series, count, sum, min, max, p50, p99 FROM rollups_1h WHERE metric = 'app.latency' AND bucket_start = $1 ORDER BY series`,
      [new Date(BASE_MS)],
    );
    const all = [...latencyEvents, { value: 99_999, attributes: { region: 'eu' } }];
    for (const row of rows) {
      const values = all.filter((e) => `region=${String(e.attributes?.['region'])}` === row.series).map((e) => e.value).sort((a, b) => a - b);
      expect(Number(row.count)).toBe(values.length);
      expect(row.sum).toBeCloseTo(values.reduce((a, b) => a + b, 0), 6);
      expect([row.min, row.max]).toEqual([values[0], values[values.length - 1]]);
      expect(withinSketchError(values, 0.5, row.p50)).toBe(true);
      expect(withinSketchError(values, 0.99, row.p99)).toBe(true);
    }
    expect(rows.map((r) => r.series)).toEqual(['region=eu', 'region=us']);
    const derived = await db.pool.query(`SELECT series, value FROM rollups_1h WHERE metric = 'app.error_rate' ORDER BY series`);
    expect(derived.rows).toEqual([
      { series: 'region=eu', value: (100 * 4) / 81 },
      { series: 'region=us', value: (100 * 10) / 51 },
    ]);
  });

  it('finds a planted segment (one app_version failing ten times as often) as the top pattern, and stores it', async () => {
    const versions = ['1.0', '1.1', '1.2', '2.0', '2.1'];
    const events: TelemetryEvent[] = [];
    const start = Date.now() - 30 * MINUTE_MS;
    for (let i = 0; i < 10_000; i += 1) {
      const version = versions[i % versions.length] as string;
      const rate = version === '2.0' ? 0.2 : 0.02;
      // Deterministic failures at exactly the rate: every (1/rate)-th request of the version.
      const nth = Math.floor(i / versions.length);
      const failed = nth % Math.round(1 / rate) === 0 ? 1 : 0;
      events.push({
        id: `f-${i}`,
        metric: 'app.failed',
        value: failed,
        timestamp: start + (i % 20) * MINUTE_MS,
        attributes: { app_version: version, region: i % 3 === 0 ? 'eu' : 'us' },
      });
    }
    await sendAndSettle('src-e', events);
    const from = new Date(start - HOUR_MS);
    const to = new Date(Date.now() + HOUR_MS);
    const patterns = await findPatterns(db.pool, { metric: 'app.failed', from, to });
    const segments = patterns.filter((p) => p.kind === 'segment');
    expect(segments[0]?.subject).toEqual({ attribute: 'app_version', value: '2.0' });
    expect(segments[0]?.details['lift']).toBeCloseTo(0.2 / 0.02, 0);

    const mined = await new MiningJob(db.pool, 3 * HOUR_MS, 1, 7).run(to.getTime());
    expect(mined.metrics).toBeGreaterThan(0);
    const stored = await db.pool.query(
      `SELECT subject, support FROM patterns WHERE metric = 'app.failed' AND kind = 'segment' ORDER BY strength DESC LIMIT 1`,
    );
    expect(stored.rows[0]).toEqual({ subject: { attribute: 'app_version', value: '2.0' }, support: '2000' });
  });

  it('dead-letters invalid events with a reason and stores the valid ones beside them intact', async () => {
    await sendAndSettle('src-f', [
      { id: 'ok-1', metric: 'app.latency', value: 1, timestamp: BASE_MS, attributes: { note: 'tab\there\nnew line \\ "quoted"' } },
      { id: 'bad-1', metric: 'app.latency', value: 1, timestamp: 'last tuesday' },
    ]);
    const dlq = await readTopic(kafka, topics.dlq, (messages) => messages.length > 0);
    expect(JSON.parse(dlq[0]?.value ?? 'null')).toMatchObject({ sourceId: 'src-f', stage: 'processor', event: { id: 'bad-1' } });
    expect(JSON.parse(dlq[0]?.value ?? 'null').reason).toMatch(/^invalid_event: timestamp/);
    expect(await count(`SELECT count(*) AS n FROM data_points WHERE event_id IN ('ok-1', 'bad-1')`)).toBe(1);
    // COPY's text format escapes: tabs, newlines and backslashes arrive intact.
    const stored = await db.pool.query(`SELECT attributes FROM data_points WHERE event_id = 'ok-1'`);
    expect(stored.rows[0]?.attributes).toEqual({ note: 'tab\there\nnew line \\ "quoted"' });
  });

  it('applies per-metric retention to raw rows and drops whole partitions past the longest retention', async () => {
    await sendAndSettle('src-g', [
      { id: 'old-1', metric: 'old.metric', value: 1, timestamp: Date.now() - 2 * 24 * HOUR_MS },
      { id: 'new-1', metric: 'old.metric', value: 1, timestamp: Date.now() },
    ]);
    const job = new RetentionJob(db.pool, 30);
    const catalog = [definition('old.metric', 'gauge', [], { retentionDays: 1 })];
    const result = await job.run(catalog);
    expect(result.rowsDeleted).toBe(1);
    expect((await db.pool.query(`SELECT event_id FROM data_points WHERE metric = 'old.metric'`)).rows).toEqual([{ event_id: 'new-1' }]);
    // 40 days later every daily partition created so far is past the 30-day default.
    const later = await job.run(catalog, Date.now() + 40 * 24 * HOUR_MS);
    expect(later.partitionsDropped.length).toBeGreaterThan(0);
    expect(await count(`SELECT count(*) AS n FROM rollups_1m`)).toBeGreaterThan(0);
  });
});
