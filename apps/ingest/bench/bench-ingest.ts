import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { createSource } from '@telemetry/admin';
import { ensureTopics, topicNames, topicSpecs } from '@telemetry/kafka';
import { createTestDatabase, testKafka, TEST_KAFKA_CONFIG } from '@telemetry/test-support';

/**
 * `npm run bench:ingest`: loads the ingest service (a child process: its own core, as deployed)
 * and a bare Fastify JSON-parse endpoint with the same 1,000-event bodies, one after the other,
 * and prints events/s for each and the ratio. The ingest writes to its own topic
 * (telemetry.raw.v1.bench-<random>, deleted afterwards) and its own throwaway database.
 */
const EVENTS_PER_REQUEST = 1_000;
const DURATION_SECONDS = Number(process.env['BENCH_DURATION_SECONDS'] ?? 15);
/** Ingest and baseline take turns in short rounds, so a change in the machine's load hits both alike. */
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 3);
const WARMUP_SECONDS = 3;
const CONNECTIONS = Number(process.env['BENCH_CONNECTIONS'] ?? 16);
const PIPELINING = Number(process.env['BENCH_PIPELINING'] ?? 1);
const repo = resolve(__dirname, '../../..');
/** Both servers run with the same V8 flags (BENCH_NODE_FLAGS, space-separated), so the comparison stays fair. */
const NODE_FLAGS = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);

const freePort = () =>
  new Promise<number>((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });

const benchBody = (): string => {
  const now = Date.now();
  const events = Array.from({ length: EVENTS_PER_REQUEST }, (_, index) => ({
    id: randomUUID(),
    metric: 'bench.checkout.latency',
    value: 100 + (index % 50),
    timestamp: now + index,
    attributes: { region: 'eu-west-1', app_version: '1.2.3' },
  }));
  return JSON.stringify({ events });
};

const startChild = (args: string[], env: NodeJS.ProcessEnv): ChildProcess => {
  const child = spawn(process.execPath, [...NODE_FLAGS, '-r', '@swc-node/register', ...args], { cwd: repo, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout?.resume();
  return child;
};

const waitUntilUp = async (url: string, timeoutMs = 60_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url} did not come up`, { cause: error });
    }
    await new Promise((done) => setTimeout(done, 200));
  }
};

const stopChild = (child: ChildProcess) =>
  new Promise<void>((done) => {
    if (child.exitCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });

/** CPU time a child process used so far (Linux /proc, clock ticks of 10 ms). */
const cpuMsOf = (pid: number | undefined): number => {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) * 10;
};

interface LoadResult {
  eventsPerSec: number;
  requestsPerSec: number;
  non2xx: number;
  errors: number;
  p99LatencyMs: number;
}

const addResults = (a: LoadResult, b: LoadResult): LoadResult => ({
  eventsPerSec: a.eventsPerSec + b.eventsPerSec,
  requestsPerSec: a.requestsPerSec + b.requestsPerSec,
  non2xx: a.non2xx + b.non2xx,
  errors: a.errors + b.errors,
  p99LatencyMs: Math.max(a.p99LatencyMs, b.p99LatencyMs),
});

const load = async (url: string, body: string, headers: Record<string, string>, seconds: number): Promise<LoadResult> => {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    connections: CONNECTIONS,
    pipelining: PIPELINING,
    duration: seconds,
  });
  const ok = result['2xx'];
  return {
    eventsPerSec: Math.round((ok * EVENTS_PER_REQUEST) / seconds),
    requestsPerSec: Math.round(ok / seconds),
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    p99LatencyMs: result.latency.p99,
  };
};

const main = async () => {
  const database = await createTestDatabase();
  const kafka = testKafka();
  const suffix = `.bench-${randomBytes(4).toString('hex')}`;
  const rawTopic = topicNames(suffix).raw;
  await ensureTopics(kafka, topicSpecs(suffix).filter((spec) => spec.name === rawTopic), 4);
  const { apiKey } = await createSource(database.pool, 'bench');
  const body = benchBody();
  const ingestPort = await freePort();
  const barePort = await freePort();
  const children: ChildProcess[] = [];
  try {
    const ingest = startChild(['apps/ingest/src/main.ts'], {
      KAFKA_BROKERS: TEST_KAFKA_CONFIG.KAFKA_BROKERS,
      KAFKA_TOPIC_SUFFIX: suffix,
      DATABASE_URL: database.url,
      INGEST_PORT: String(ingestPort),
      INGEST_HOST: '127.0.0.1',
      INGEST_RATE_LIMIT_EVENTS_PER_SECOND: '0',
      LOG_LEVEL: 'warn',
    });
    children.push(ingest);
    const bare = startChild(['apps/ingest/bench/bare-json-server.ts', String(barePort)], {});
    children.push(bare);
    await waitUntilUp(`http://127.0.0.1:${ingestPort}/healthz`);
    await waitUntilUp(`http://127.0.0.1:${barePort}/v1/events`);

    const ingestUrl = `http://127.0.0.1:${ingestPort}/v1/events`;
    const bareUrl = `http://127.0.0.1:${barePort}/v1/events`;
    const auth = { authorization: `Bearer ${apiKey}` };
    process.stdout.write(`bench:ingest: ${EVENTS_PER_REQUEST}-event bodies of ${body.length} bytes, ${CONNECTIONS} connections, pipelining ${PIPELINING}, ${DURATION_SECONDS} s each in ${ROUNDS} alternating rounds\n`);
    await load(ingestUrl, body, auth, WARMUP_SECONDS);
    await load(bareUrl, body, {}, WARMUP_SECONDS);
    const roundSeconds = DURATION_SECONDS / ROUNDS;
    const zero: LoadResult = { eventsPerSec: 0, requestsPerSec: 0, non2xx: 0, errors: 0, p99LatencyMs: 0 };
    let ingestResult = zero;
    let bareResult = zero;
    let ingestCpuMs = 0;
    let bareCpuMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      let cpuBefore = cpuMsOf(ingest.pid);
      ingestResult = addResults(ingestResult, await load(ingestUrl, body, auth, roundSeconds));
      ingestCpuMs += cpuMsOf(ingest.pid) - cpuBefore;
      cpuBefore = cpuMsOf(bare.pid);
      bareResult = addResults(bareResult, await load(bareUrl, body, {}, roundSeconds));
      bareCpuMs += cpuMsOf(bare.pid) - cpuBefore;
    }
    ingestResult = { ...ingestResult, eventsPerSec: Math.round(ingestResult.eventsPerSec / ROUNDS), requestsPerSec: Math.round(ingestResult.requestsPerSec / ROUNDS) };
    bareResult = { ...bareResult, eventsPerSec: Math.round(bareResult.eventsPerSec / ROUNDS), requestsPerSec: Math.round(bareResult.requestsPerSec / ROUNDS) };
    for (const [name, result] of [['ingest (auth, validate, Kafka acks=all)', ingestResult], ['bare Fastify JSON.parse', bareResult]] as const) {
      process.stdout.write(
        `  ${name}: ${result.eventsPerSec} events/s (${result.requestsPerSec} req/s, worst round p99 ${result.p99LatencyMs} ms, non-2xx ${result.non2xx}, errors ${result.errors})\n`,
      );
    }
    if (ingestResult.non2xx > 0 || ingestResult.errors > 0) process.stdout.write('  warning: ingest answered some requests with errors; they are not counted\n');
    // CPU per 1,000 events of each server process: what each costs, whatever else the machine runs.
    const ingestCpuMsPer1000Events = ingestResult.requestsPerSec > 0 ? ingestCpuMs / (ingestResult.requestsPerSec * DURATION_SECONDS) : 0;
    const bareCpuMsPer1000Events = bareResult.requestsPerSec > 0 ? bareCpuMs / (bareResult.requestsPerSec * DURATION_SECONDS) : 0;
    const metricsText = await (await fetch(`http://127.0.0.1:${ingestPort}/metrics`)).text();
    const metricValue = (name: string) => Number(new RegExp(`^${name}\\{[^}]*outcome="ok"[^}]*\\} (\\S+)$`, 'm').exec(metricsText)?.[1] ?? 0);
    const produceCount = metricValue('ingest_kafka_produce_duration_seconds_count');
    const produceMeanMs = produceCount > 0 ? (metricValue('ingest_kafka_produce_duration_seconds_sum') / produceCount) * 1_000 : 0;
    process.stdout.write(
      `  CPU per 1,000 events: ingest ${ingestCpuMsPer1000Events.toFixed(2)} ms, bare ${bareCpuMsPer1000Events.toFixed(2)} ms; Kafka produce requests: ${produceCount}, mean ${produceMeanMs.toFixed(1)} ms\n`,
    );
    process.stdout.write(`  machine load average (1 min) at the end: ${(readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?')} on ${availableParallelism()} cores\n`);
    const ratio = bareResult.eventsPerSec > 0 ? ingestResult.eventsPerSec / bareResult.eventsPerSec : 0;
    process.stdout.write(
      `${JSON.stringify({ bench: 'ingest', eventsPerSec: ingestResult.eventsPerSec, baselineEventsPerSec: bareResult.eventsPerSec, ratio: Math.round(ratio * 1000) / 1000, ingestCpuMsPer1000Events: Math.round(ingestCpuMsPer1000Events * 100) / 100, baselineCpuMsPer1000Events: Math.round(bareCpuMsPer1000Events * 100) / 100, kafkaProduceMeanMs: Math.round(produceMeanMs * 10) / 10, eventsPerRequest: EVENTS_PER_REQUEST, connections: CONNECTIONS, durationSeconds: DURATION_SECONDS })}\n`,
    );
  } finally {
    await Promise.all(children.map(stopChild));
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: [rawTopic] });
    await admin.disconnect();
    await database.drop();
  }
};

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:ingest: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
    process.exit(1);
  },
);
