import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AggregationTemporalityPreference, OTLPMetricExporter as OtlpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpProtobufMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SERVICES,
  createSource,
  postEvents,
  querySeries,
  readDeadLetters,
  seriesTotals,
  seriesTotalsBy,
  startStack,
  testKafka,
  type CreatedSource,
  type SentEvent,
  type Stack,
} from '@telemetry/test-support';

/**
 * Every way in (HTTP events, OTLP/HTTP JSON and protobuf through the OpenTelemetry SDK, a plain
 * Kafka producer on telemetry.raw.v1) ends in the GraphQL `series` query with exact counts and sums;
 * an expired metric's events are dead-lettered "expired" and never reach it. The catalog is applied
 * as `npm start` applies it: `catalog:apply` on a metrics.yaml, before the workers start.
 */

const root = join(__dirname, '..', '..');
const DAY_MS = 86_400_000;
const SERIES_TIMEOUT_MS = 20_000;

const HTTP_METRIC = 'e2e.http.orders';
const OTLP_JSON_METRIC = 'e2e.otlp.json_requests';
const OTLP_PROTOBUF_METRIC = 'e2e.otlp.protobuf_requests';
const KAFKA_METRIC = 'e2e.kafka.readings';
const OTLP_HISTOGRAM_METRIC = 'e2e.otlp.latency';
const EXPIRED_METRIC = 'e2e.legacy.timing';

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const measuredMetric = (name: string, type: string, expiresMs: number) => `
${name}:
  type: ${type}
  unit: '1'
  description: End-to-end test metric ${name}.
  owner: e2e
  hypothesis: What is sent is what is stored.
  action: Fix the pipeline.
  purpose: none
  expires: ${isoDay(expiresMs)}
  attributes: [region]
`;

/** `npm run catalog:apply -- --yes file` against the stack's database and topics. */
const applyCatalog = async (stack: Stack, yaml: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'e2e-catalog-'));
  try {
    const file = join(dir, 'metrics.yaml');
    writeFileSync(file, yaml);
    const { stdout } = await promisify(execFile)(process.execPath, ['-r', '@swc-node/register', join(root, 'libs/admin/cli/catalog-apply.ts'), '--yes', file], {
      cwd: root,
      env: { ...process.env, ...stack.env },
    });
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

const event = (metric: string, value: number, overrides: Partial<SentEvent> = {}): SentEvent => ({
  id: randomUUID(),
  metric,
  value,
  timestamp: Date.now(),
  attributes: { region: 'eu' },
  ...overrides,
});

/** Polls `series` until its totals are what was sent (duplicates would overshoot and never match). */
const expectSeriesTotals = async (stack: Stack, metric: string, expected: { count: number; sum: number }) =>
  expect.poll(async () => seriesTotals(await querySeries(stack, metric)), { timeout: SERIES_TIMEOUT_MS, interval: 250 }).toEqual(expected);

/** One counter exported twice by the SDK with delta temporality: two points, 3 then 4. */
const exportCounterTwice = async (exporter: PushMetricExporter, metric: string) => {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'e2e-checkout' }), readers: [reader] });
  const counter = provider.getMeter('e2e').createCounter(metric);
  counter.add(3, { region: 'eu' });
  await reader.forceFlush();
  counter.add(4, { region: 'eu' });
  await reader.forceFlush();
  await provider.shutdown();
};

describe('every ingest path ends in the series query', () => {
  let stack: Stack;
  let source: CreatedSource;
  let producer: Producer | undefined;

  beforeAll(async () => {
    stack = await startStack({ services: ['api'] });
    const nowMs = Date.now();
    const applied = await applyCatalog(
      stack,
      [HTTP_METRIC, OTLP_JSON_METRIC, OTLP_PROTOBUF_METRIC].map((name) => measuredMetric(name, 'counter', nowMs + 200 * DAY_MS)).join('') +
        measuredMetric(KAFKA_METRIC, 'gauge', nowMs + 200 * DAY_MS) +
        measuredMetric(OTLP_HISTOGRAM_METRIC, 'histogram', nowMs + 200 * DAY_MS) +
        measuredMetric(EXPIRED_METRIC, 'gauge', nowMs - 3 * DAY_MS),
    );
    expect(applied).toContain(EXPIRED_METRIC);
    source = await createSource(stack, 'ingest-paths-e2e');
    for (const service of SERVICES.filter((name) => name !== 'api')) await stack.start(service);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await stack?.stopAll();
  });

  it('stores events sent to POST /v1/events once each, with their values', async () => {
    const values = [5, 7, 11, 13];
    const events = values.map((value, index) => event(HTTP_METRIC, value, { timestamp: Date.now() - index * 1_000 }));
    const answer = await postEvents(stack, source.apiKey, events);
    expect(answer).toEqual({ status: 202, body: { accepted: 4, rejected: [] } });
    // The sender retries the same batch (same ids) with one new event: once that one is queryable
    // the retry has been processed (one envelope), and the repeated events must not count twice.
    const marker = event(HTTP_METRIC, 1, { attributes: { region: 'retry-marker' } });
    expect((await postEvents(stack, source.apiKey, [...events, marker])).status).toBe(202);
    await expect
      .poll(() => seriesTotalsBy(stack, HTTP_METRIC, 'region'), { timeout: SERIES_TIMEOUT_MS, interval: 250 })
      .toEqual({ eu: { count: 4, sum: 36 }, 'retry-marker': { count: 1, sum: 1 } });
  });

  it.each([
    ['JSON', OTLP_JSON_METRIC, (url: string, apiKey: string) => new OtlpJsonMetricExporter({ url, headers: { Authorization: `Bearer ${apiKey}` }, temporalityPreference: AggregationTemporalityPreference.DELTA })],
    [
      'protobuf',
      OTLP_PROTOBUF_METRIC,
      (url: string, apiKey: string) => new OtlpProtobufMetricExporter({ url, headers: { Authorization: `Bearer ${apiKey}` }, temporalityPreference: AggregationTemporalityPreference.DELTA }),
    ],
  ])('stores a counter exported over OTLP/HTTP %s by the OpenTelemetry SDK (delta temporality adds up)', async (_encoding, metric, createExporter) => {
    await exportCounterTwice(createExporter(`${stack.ingestUrl}/v1/metrics`, source.apiKey), metric);
    await expectSeriesTotals(stack, metric, { count: 2, sum: 7 });
    expect(await seriesTotalsBy(stack, metric, 'region')).toEqual({ eu: { count: 2, sum: 7 } });
  });

  it('stores an OTLP histogram as its count, sum and bucket parts, declared by declaring the histogram alone', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new OtlpJsonMetricExporter({
        url: `${stack.ingestUrl}/v1/metrics`,
        headers: { Authorization: `Bearer ${source.apiKey}` },
        temporalityPreference: AggregationTemporalityPreference.DELTA,
      }),
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'e2e-checkout' }), readers: [reader] });
    const histogram = provider.getMeter('e2e').createHistogram(OTLP_HISTOGRAM_METRIC, { advice: { explicitBucketBoundaries: [10, 100] } });
    for (const value of [5, 20, 300]) histogram.record(value, { region: 'eu' });
    await reader.forceFlush();
    await provider.shutdown();
    await expectSeriesTotals(stack, `${OTLP_HISTOGRAM_METRIC}.count`, { count: 1, sum: 3 });
    await expectSeriesTotals(stack, `${OTLP_HISTOGRAM_METRIC}.sum`, { count: 1, sum: 325 });
    // Cumulative bucket counts, one series per upper bound (le, added to the histogram's attributes).
    await expect
      .poll(() => seriesTotalsBy(stack, `${OTLP_HISTOGRAM_METRIC}.bucket`, 'le'), { timeout: SERIES_TIMEOUT_MS, interval: 250 })
      .toEqual({ '10': { count: 1, sum: 1 }, '100': { count: 1, sum: 2 }, '+Inf': { count: 1, sum: 3 } });
  });

  it('stores events a plain kafkajs producer writes onto telemetry.raw.v1 in the raw envelope', async () => {
    producer = testKafka().producer();
    await producer.connect();
    const nowMs = Date.now();
    const events = [
      event(KAFKA_METRIC, 20.5, { timestamp: new Date(nowMs - 2_000).toISOString() }),
      event(KAFKA_METRIC, 21.5, { timestamp: nowMs - 1_000, attributes: { region: 'us' } }),
    ];
    await producer.send({
      topic: stack.topics.raw,
      acks: -1,
      messages: [{ key: source.id, value: JSON.stringify({ sourceId: source.id, receivedAt: new Date(nowMs).toISOString(), events }) }],
    });
    await expectSeriesTotals(stack, KAFKA_METRIC, { count: 2, sum: 42 });
    expect(await seriesTotalsBy(stack, KAFKA_METRIC, 'region')).toEqual({ eu: { count: 1, sum: 20.5 }, us: { count: 1, sum: 21.5 } });
  });

  it('dead-letters an expired metric\'s events with reason "expired", and they never reach series', async () => {
    const expired = [event(EXPIRED_METRIC, 1), event(EXPIRED_METRIC, 2)];
    // Sent in the same request (one envelope), so once the control event is queryable the expired ones were decided.
    const control = event(HTTP_METRIC, 100, { attributes: { region: 'control' } });
    const answer = await postEvents(stack, source.apiKey, [...expired, control]);
    expect(answer).toEqual({ status: 202, body: { accepted: 3, rejected: [] } });
    const records = await readDeadLetters(stack, expired.map((one) => one.id));
    expect(records.map((record) => [record.event?.id, record.reason, record.stage, record.sourceId]).sort()).toEqual(
      expired.map((one) => [one.id, 'expired', 'privacy', source.id]).sort(),
    );
    await expect.poll(async () => (await seriesTotalsBy(stack, HTTP_METRIC, 'region'))['control'], { timeout: SERIES_TIMEOUT_MS, interval: 250 }).toEqual({ count: 1, sum: 100 });
    expect(await querySeries(stack, EXPIRED_METRIC)).toEqual([]);
    const { rows } = await stack.db.pool.query<{ count: string }>(`SELECT count(*) FROM data_points WHERE metric = $1`, [EXPIRED_METRIC]);
    expect(Number(rows[0]?.count)).toBe(0);
  });
});
