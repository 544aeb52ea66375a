import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { TelemetryEvent } from '@telemetry/contracts';
import { BatchProducer } from '@telemetry/kafka';
import { createTestDatabase, createTestTopics, testKafka, waitFor, type TestDatabase } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definition, envelopes, publishCatalog } from './processor-fixtures';

const TOTAL_EVENTS = 200_000;
const EVENTS_PER_ENVELOPE = 1_000;
const SOURCES = ['src-1', 'src-2', 'src-3', 'src-4'];
const REPO_ROOT = resolve(__dirname, '../../..');

let db: TestDatabase;
let kafka: Kafka;
let suffix: string;
let topics: Awaited<ReturnType<typeof createTestTopics>>['topics'];
let child: ChildProcess | undefined;

const startProcessor = (): ChildProcess => {
  const processor = spawn(process.execPath, ['-r', '@swc-node/register', 'apps/processor/src/main.ts'], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      KAFKA_TOPIC_SUFFIX: suffix,
      PROCESSOR_GROUP_ID: `processor${suffix}`,
      PROCESSOR_HEALTH_PORT: '0',
      MINING_INTERVAL_MS: '0',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return processor;
};

const rows = async () => Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM data_points`)).rows[0]?.n);

beforeAll(async () => {
  db = await createTestDatabase();
  kafka = testKafka();
  const created = await createTestTopics(kafka, 2);
  suffix = created.suffix;
  topics = created.topics;
  await publishCatalog(kafka, topics, [definition('fault.load', 'histogram', ['region'])]);
});

afterAll(async () => {
  child?.kill('SIGKILL');
  await db?.drop();
});

describe('processor under kill -9', () => {
  it('stores every event exactly once and rolls up exactly the stored rows after a SIGKILL mid-stream', async () => {
    const start = Date.now() - 10 * 60_000;
    const events: TelemetryEvent[] = Array.from({ length: TOTAL_EVENTS }, (_, i) => ({
      id: `k-${i}`,
      metric: 'fault.load',
      value: (i % 997) + 0.5,
      timestamp: start + (i % 600) * 1_000,
      attributes: { region: ['eu', 'us', 'ap'][i % 3] as string },
    }));
    const producer = await BatchProducer.connect(kafka);
    const produce = async () => {
      for (let offset = 0; offset < TOTAL_EVENTS; offset += EVENTS_PER_ENVELOPE * 5) {
        const source = SOURCES[(offset / (EVENTS_PER_ENVELOPE * 5)) % SOURCES.length] as string;
        const slice = events.slice(offset, offset + EVENTS_PER_ENVELOPE * 5);
        await producer.send([{ topic: topics.clean, messages: envelopes(source, slice, EVENTS_PER_ENVELOPE) }]);
        // Pace the stream so that the kill lands in the middle of it.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    child = startProcessor();
    const streaming = produce();
    const storedAtKill = await waitFor(async () => {
      const n = await rows();
      return n >= 40_000 ? n : undefined;
    }, 120_000, 50);
    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    expect(storedAtKill).toBeLessThan(TOTAL_EVENTS);

    child = startProcessor();
    await streaming;
    await producer.disconnect();
    await waitFor(async () => ((await rows()) >= TOTAL_EVENTS ? true : undefined), 180_000, 500);
    // Give a replayed batch time to (wrongly) add anything before counting.
    await new Promise((resolve) => setTimeout(resolve, 3_000));

    const { rows: totals } = await db.pool.query<{ n: string; ids: string }>(
      `SELECT count(*) AS n, count(DISTINCT event_id) AS ids FROM data_points`,
    );
    expect(Number(totals[0]?.n)).toBe(TOTAL_EVENTS);
    expect(Number(totals[0]?.ids)).toBe(TOTAL_EVENTS);
    const { rows: rollups } = await db.pool.query<{ n: string; sum: number }>(
      `SELECT sum(count) AS n, sum(sum) AS sum FROM rollups_1m WHERE metric = 'fault.load'`,
    );
    expect(Number(rollups[0]?.n)).toBe(TOTAL_EVENTS);
    expect(rollups[0]?.sum).toBeCloseTo(events.reduce((total, e) => total + e.value, 0), 3);
    child.kill('SIGTERM');
    await new Promise((resolve) => child?.once('exit', resolve));
    child = undefined;
  }, 400_000);
});
