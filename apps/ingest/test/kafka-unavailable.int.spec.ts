import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSource, type CreatedSource } from '@telemetry/admin';
import { createKafka, ensureTopics, topicNames, topicSpecs } from '@telemetry/kafka';
import { createTestDatabase, readTopic, TEST_KAFKA_CONFIG, uniqueTopicSuffix, type TestDatabase } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import { createIngestApp, type IngestApp } from '../src/ingest-app';
import { eventIdsIn, post, quietLogger, testIngestConfig, validEvent } from './ingest-test-context';

const run = promisify(execFile);
const kafkaScripts = resolve(__dirname, '../../../deploy/local/kafka');

const freePort = () =>
  new Promise<number>((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });

/**
 * Kafka stopped for real: the shared broker serves other suites, so this file starts its own
 * single-node broker (deploy/local/kafka/start.sh on free ports, a temporary data dir), stops it
 * under the running service, and starts it again.
 */
describe('when Kafka is unreachable', () => {
  let database: TestDatabase;
  let dataDir: string;
  let brokerEnv: NodeJS.ProcessEnv;
  let kafka: Kafka;
  let ingest: IngestApp;
  let source: CreatedSource;
  const suffix = uniqueTopicSuffix();
  const rawTopic = topicNames(suffix).raw;

  const startBroker = () => run('bash', [join(kafkaScripts, 'start.sh')], { env: brokerEnv, timeout: 120_000 });
  const stopBroker = () => run('bash', [join(kafkaScripts, 'stop.sh')], { env: brokerEnv, timeout: 60_000 });

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'ingest-kafka-'));
    const port = await freePort();
    const controllerPort = await freePort();
    brokerEnv = { ...process.env, KAFKA_PORT: String(port), KAFKA_CONTROLLER_PORT: String(controllerPort), KAFKA_DATA_DIR: dataDir, KAFKA_HEAP: '384m' };
    await startBroker();
    kafka = createKafka({ ...TEST_KAFKA_CONFIG, KAFKA_BROKERS: `127.0.0.1:${port}` }, 'test');
    await ensureTopics(kafka, topicSpecs(suffix).filter((spec) => spec.name === rawTopic), 1);
    database = await createTestDatabase();
    source = await createSource(database.pool, 'kafka-outage');
    ingest = await createIngestApp(
      testIngestConfig(database, suffix, { KAFKA_BROKERS: `127.0.0.1:${port}`, INGEST_KAFKA_SEND_RETRIES: 1 }),
      { logger: quietLogger() },
    );
  });

  afterAll(async () => {
    await ingest?.close();
    await database?.drop();
    if (brokerEnv) await stopBroker();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with nothing accepted while Kafka is down, and produces again once it is back', async () => {
    const before = validEvent();
    expect((await post(ingest.url, JSON.stringify({ events: [before] }), { apiKey: source.apiKey })).status).toBe(202);

    await stopBroker();
    const during = [validEvent(), validEvent()];
    const refused = await post(ingest.url, JSON.stringify({ events: during }), { apiKey: source.apiKey });
    expect(refused.status).toBe(503);
    expect(refused.json()).toEqual({ code: 'unavailable', error: 'Kafka is unavailable: nothing was accepted; retry later' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    const ready = await fetch(`${ingest.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(((await ready.json()) as { checks: Record<string, string> }).checks['kafka']).not.toBe('ok');

    await startBroker();
    const after = validEvent();
    let status = 0;
    // The producer reconnects on its next send; until the broker has loaded its logs it may still say 503.
    for (let attempt = 0; attempt < 30 && status !== 202; attempt++) {
      status = (await post(ingest.url, JSON.stringify({ events: [after] }), { apiKey: source.apiKey })).status;
      expect([202, 503]).toContain(status);
      if (status !== 202) await new Promise((done) => setTimeout(done, 1_000));
    }
    expect(status).toBe(202);

    const produced = eventIdsIn(await readTopic(kafka, rawTopic, (read) => eventIdsIn(read).includes(after.id), 30_000));
    expect(produced).toContain(before.id);
    expect(produced).toContain(after.id);
    expect(produced.filter((id) => during.some((event) => event.id === id))).toEqual([]);
  });
});
