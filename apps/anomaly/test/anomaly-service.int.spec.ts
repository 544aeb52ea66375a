import { Value } from '@sinclair/typebox/value';
import { AnomalyRecordSchema, type AnomalyRecord, type MetricDefinition } from '@telemetry/contracts';
import { BatchProducer } from '@telemetry/kafka';
import { createTestDatabase, readTopic, testKafka, waitFor, type TestDatabase } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import type { TopicNames } from '@telemetry/kafka';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyConfig } from '../src/config';
import type { NotificationPayload } from '../src/notifications/build-notification';
import { SIGNATURE_HEADER, verifySignature } from '../src/notifications/sign-payload';
import {
  anomalyTestConfig,
  createTopicsWithRetry,
  MINUTE_MS,
  noise,
  rollupRecord,
  sendDefinitions,
  separatingThreshold,
  sendRollups,
  startAnomalyService,
  startWebhookReceiver,
  type RunningAnomalyService,
} from './anomaly-test-kit';

const SECRET = 'integration-test-webhook-secret';
const LATENCY = 'checkout.latency';
const QUEUE = 'checkout.queue_depth';
const CPU = 'host.cpu';
const SERIES = 'region=eu';
const NORMAL_POINTS = 600;
const SPIKE_VALUE = 400;

describe('anomaly service over real Kafka and PostgreSQL', () => {
  let kafka: Kafka;
  let topics: TopicNames;
  let db: TestDatabase;
  let producer: BatchProducer;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let config: AnomalyConfig;
  let running: RunningAnomalyService | null = null;
  const random = noise(7);
  // Minute buckets that end about now, so the quiet-period sweep does not resolve the incident under test.
  const t0 = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - (NORMAL_POINTS + 20) * MINUTE_MS;
  const at = (index: number) => t0 + index * MINUTE_MS;
  // Bucket means of the series: normal noise, the planted spike at NORMAL_POINTS, normal again.
  const means = Array.from({ length: NORMAL_POINTS + 4 }, (_, index) => (index === NORMAL_POINTS ? SPIKE_VALUE : 100 + (random() - 0.5) * 10));
  const normal = (index: number) => rollupRecord(LATENCY, SERIES, at(index), means[index]!);

  beforeAll(async () => {
    kafka = testKafka();
    const created = await createTopicsWithRetry(kafka, 2);
    topics = created.topics;
    db = await createTestDatabase();
    producer = await BatchProducer.connect(kafka);
    receiver = await startWebhookReceiver(['/owner']);
    const definitions: MetricDefinition[] = [
      { name: LATENCY, type: 'histogram', unit: 'ms', description: 'Click to confirmation.', owner: 'payments', attributes: ['region'], webhook: receiver.url('/metric'), action: 'Roll back.' },
      { name: QUEUE, type: 'gauge', description: 'Orders waiting.', attributes: [], alert: { above: 50 } },
      { name: CPU, type: 'gauge', description: 'CPU load.', attributes: ['host'], highResolution: true, alert: { above: 0.95 } },
    ];
    await sendDefinitions(producer, topics.catalog, definitions);
    config = anomalyTestConfig({
      KAFKA_TOPIC_SUFFIX: created.suffix,
      DATABASE_URL: db.url,
      ANOMALY_CONSUMER_GROUP: `anomaly-test${created.suffix}`,
      NOTIFY_WEBHOOK_SECRET: SECRET,
      NOTIFY_WEBHOOKS: JSON.stringify({ payments: receiver.url('/owner') }),
      NOTIFY_INITIAL_BACKOFF_MS: '50',
      INCIDENT_QUIET_PERIOD_MS: String(60 * MINUTE_MS),
      ANOMALY_CHECKPOINT_INTERVAL_MS: String(60 * MINUTE_MS),
      ANOMALY_SCORE_THRESHOLD: String(separatingThreshold([{ points: means.map((value, index) => ({ atMs: at(index), value })), spikeIndex: NORMAL_POINTS }])),
    });
  });

  afterAll(async () => {
    await running?.stop();
    await producer?.disconnect();
    await receiver?.close();
    await db?.drop();
  });

  it('learns a series, checkpoints it at shutdown and resumes from the checkpoint after a restart', async () => {
    running = await startAnomalyService(config);
    await sendRollups(producer, topics.rollup, Array.from({ length: NORMAL_POINTS }, (_, index) => normal(index)));
    await sendRollups(producer, topics.rollup, [rollupRecord(QUEUE, '', at(0), 10), rollupRecord(QUEUE, '', at(1), 75), rollupRecord(QUEUE, '', at(2), 12)]);
    const service = running.service;
    await waitFor(async () => (service.detectors.checkpointOf('rollup', LATENCY, SERIES)?.lastAtMs === at(NORMAL_POINTS - 1) ? true : undefined), 30_000);
    const learned = service.detectors.checkpointOf('rollup', LATENCY, SERIES)!;
    await running.stop();
    running = null;

    const { rows } = await db.pool.query<{ state: unknown; last_at: Date; partition: number }>(
      `SELECT state, last_at, partition FROM detector_state WHERE metric = $1 AND series = $2 AND stream = 'rollup'`,
      [LATENCY, SERIES],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]!.last_at.getTime()).toBe(at(NORMAL_POINTS - 1));
    expect(rows[0]!.state).toEqual(learned.state);
    expect((rows[0]!.state as { points: number }).points).toBe(NORMAL_POINTS);

    running = await startAnomalyService(config);
    const restored = await waitFor(async () => running!.service.detectors.checkpointOf('rollup', LATENCY, SERIES), 30_000);
    expect(restored.state).toEqual(rows[0]!.state);
    expect(restored.lastAtMs).toBe(at(NORMAL_POINTS - 1));
  });

  it('turns a planted spike into an anomaly on anomalies.v1, a row, an incident and signed webhook calls; replays are skipped', async () => {
    const service = running!.service;
    // The last ten normal buckets again (a replay), then the spike and three normal buckets.
    const replayed = Array.from({ length: 10 }, (_, offset) => rollupRecord(LATENCY, SERIES, at(NORMAL_POINTS - 10 + offset), 100));
    const spikeIndex = NORMAL_POINTS;
    await sendRollups(producer, topics.rollup, [
      ...replayed,
      rollupRecord(LATENCY, SERIES, at(spikeIndex), SPIKE_VALUE),
      normal(spikeIndex + 1),
      normal(spikeIndex + 2),
      normal(spikeIndex + 3),
    ]);
    const spikeAt = new Date(at(spikeIndex)).toISOString();

    const messages = await readTopic(
      kafka,
      topics.anomalies,
      (read) =>
        read.some((message) => message.value?.includes(spikeAt) === true && message.value.includes(LATENCY)) &&
        read.some((message) => message.value?.includes(QUEUE) === true),
    );
    const published = messages.map((message) => JSON.parse(message.value ?? 'null') as unknown).filter((value): value is AnomalyRecord => Value.Check(AnomalyRecordSchema, value));
    const spike = published.find((record) => record.metric === LATENCY && record.at === spikeAt);
    expect(spike).toBeDefined();
    expect(spike!.detector).not.toBe('static');
    expect(spike!.score).toBeGreaterThanOrEqual(config.ANOMALY_SCORE_THRESHOLD);
    expect(spike!.value).toBe(SPIKE_VALUE);
    expect(messages.find((message) => message.value?.includes(spikeAt))?.key).toBe(`${LATENCY}|${SERIES}`);
    const staticBreach = published.find((record) => record.metric === QUEUE);
    expect(staticBreach).toMatchObject({ detector: 'static', value: 75, expected: 50, score: 1, severity: 'critical', at: new Date(at(1)).toISOString() });

    const { rows: anomalyRows } = await db.pool.query<{ id: string; detector: string; incident_id: string | null }>(
      `SELECT id, detector, incident_id FROM anomalies WHERE metric = $1 AND series = $2`,
      [LATENCY, SERIES],
    );
    expect(anomalyRows.map((row) => row.id)).toContain(spike!.id);
    const spikeRow = anomalyRows.find((row) => row.id === spike!.id)!;
    expect(spikeRow.incident_id).not.toBeNull();

    const { rows: incidents } = await db.pool.query<{ id: string; status: string; anomaly_count: number; opened_at: Date; severity: string }>(
      `SELECT id, status, anomaly_count, opened_at, severity FROM incidents WHERE metric = $1 AND series = $2`,
      [LATENCY, SERIES],
    );
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ id: spikeRow.incident_id, status: 'open', anomaly_count: anomalyRows.length });
    expect(incidents[0]!.opened_at.toISOString()).toBe(spikeAt);

    // The replayed buckets were not learned twice: 600 before the restart, 4 new ones after it.
    const state = service.detectors.checkpointOf('rollup', LATENCY, SERIES)!.state as { points: number };
    expect(state.points).toBe(NORMAL_POINTS + 4);
    const skipped = await service.metrics.pointsSkipped.get();
    expect(skipped.values.find((value) => value.labels.reason === 'replay')?.value).toBe(10);

    // Both the metric's webhook and the owner's; the owner's answered 503 first and got the same delivery again.
    const calls = await waitFor(async () => {
      const opened = receiver.received.filter((request) => request.headers['x-telemetry-event'] === 'incident.opened');
      const delivered = new Set(opened.map((request) => request.path));
      return delivered.has('/metric') && opened.filter((request) => request.path === '/owner').length >= 2 ? opened : undefined;
    }, 20_000);
    for (const call of calls) {
      expect(verifySignature(SECRET, call.body, call.headers[SIGNATURE_HEADER] as string)).toBe(true);
      expect(verifySignature('some-other-secret-value', call.body, call.headers[SIGNATURE_HEADER] as string)).toBe(false);
      const payload = JSON.parse(call.body) as NotificationPayload;
      expect(payload).toMatchObject({ event: 'incident.opened', incident: { id: spikeRow.incident_id, metric: LATENCY, series: SERIES }, metric: { owner: 'payments', action: 'Roll back.' } });
      expect(payload.anomaly?.id).toBe(spike!.id);
    }
    const ownerCalls = calls.filter((call) => call.path === '/owner');
    expect(new Set(ownerCalls.map((call) => call.headers['x-telemetry-delivery'])).size).toBe(1);
    const failures = await service.metrics.webhookFailures.get();
    expect(failures.values.find((value) => value.labels.reason === 'http_503')?.value).toBe(1);
  });

  it('scores raw points of high-resolution metrics from telemetry.clean.v1 with their own checkpointed detector', async () => {
    const service = running!.service;
    const baseMs = at(NORMAL_POINTS + 10);
    const events = [0.4, 0.42, 0.99, 0.41].map((value, index) => ({
      id: `cpu-${index}`,
      metric: CPU,
      value,
      timestamp: baseMs + index * 1_000,
      attributes: { host: 'web-1', kernel: '6.1' },
    }));
    // An event of a metric scored from rollups only rides along and is passed over.
    events.push({ id: 'latency-raw', metric: LATENCY, value: 9_999, timestamp: baseMs, attributes: { host: 'web-1', kernel: '6.1' } });
    await producer.send([{ topic: topics.clean, messages: [{ key: 'source-1', value: JSON.stringify({ sourceId: 'source-1', receivedAt: new Date(baseMs).toISOString(), events }) }] }]);

    const breach = await waitFor(async () => {
      const { rows } = await db.pool.query<{ series: string; value: number; detector: string }>(`SELECT series, value, detector FROM anomalies WHERE metric = $1`, [CPU]);
      return rows[0];
    }, 20_000);
    expect(breach).toEqual({ series: 'host=web-1', value: 0.99, detector: 'static' });
    expect(service.detectors.checkpointOf('raw', CPU, 'host=web-1')?.lastAtMs).toBe(baseMs + 3_000);
    expect(service.detectors.checkpointOf('raw', LATENCY, 'host=web-1')).toBeUndefined();

    await service.serial(() => service.checkpoint('requested'));
    const { rows } = await db.pool.query<{ stream: string; last_at: Date }>(`SELECT stream, last_at FROM detector_state WHERE metric = $1`, [CPU]);
    expect(rows).toEqual([{ stream: 'raw', last_at: new Date(baseMs + 3_000) }]);
  });

  it('dead-letters rollups it cannot score, with the reason, and keeps consuming', async () => {
    const emptyBucket = { ...rollupRecord(LATENCY, 'region=us', at(5), 1), count: 0, sum: 0 };
    await producer.send([
      {
        topic: topics.rollup,
        messages: [
          { key: `${LATENCY}|region=us`, value: JSON.stringify(emptyBucket) },
          { key: `${LATENCY}|region=us`, value: '{not json' },
          { key: `${LATENCY}|region=us`, value: JSON.stringify(rollupRecord(LATENCY, 'region=us', at(6), 3)) },
        ],
      },
    ]);
    const deadLetters = await readTopic(kafka, topics.dlq, (read) => read.length >= 2);
    const records = deadLetters.map((message) => JSON.parse(message.value ?? 'null') as { reason: string; stage: string; sourceId: string });
    expect(records.map((record) => record.reason).sort()).toEqual(['empty_bucket', 'invalid_json']);
    expect(records.every((record) => record.stage === 'anomaly' && record.sourceId === `${LATENCY}|region=us`)).toBe(true);
    await waitFor(async () => (running!.service.detectors.checkpointOf('rollup', LATENCY, 'region=us')?.lastAtMs === at(6) ? true : undefined));
  });
});

