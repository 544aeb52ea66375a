/**
 * `npm run bench:pipeline`: the whole pipeline on this machine. Starts ingest, privacy and the
 * processor as child processes (own topics telemetry.*.v1.bench-<random>, own database), creates
 * sources through libs/admin, defines the metric, grants consent, pushes BENCH_EVENTS (default
 * 2,000,000) events through HTTP ingest in 1,000-event requests as fast as it can and waits until
 * every one is a row of data_points (throughput). Then it sends 20 s of events paced at half that
 * throughput and reports their ingest-to-queryable latency (stored_at − received_at) p50/p99: the
 * latency of a pipeline keeping up, the figure of the target (the flooded run's latency, mostly
 * queueing, is printed too). Last, in the same database, it measures a bare COPY of the flood's
 * rows into the same table (emptied first) as the baseline. Ends with one JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { applyMetricDefinition, createSource, recordConsent } from '@telemetry/admin';
import { BatchProducer, ensureTopics, topicNames, topicSpecs } from '@telemetry/kafka';
import { createTestDatabase, testKafka, TEST_KAFKA_CONFIG, type TestDatabase } from '@telemetry/test-support';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';

const TOTAL_EVENTS = Number(process.env['BENCH_EVENTS'] ?? 2_000_000);
const EVENTS_PER_REQUEST = 1_000;
const CONCURRENT_REQUESTS = Number(process.env['BENCH_CONCURRENCY'] ?? 8);
/** Several sources, so envelopes (keyed by source) spread over the partitions. */
const SOURCE_COUNT = 8;
const PARTITIONS = 4;
const SUBJECTS = 1_000;
const PSEUDONYM_KEY = 'bench-pipeline-pseudonym-key-0123456789';
const METRIC = 'bench.pipeline.latency';
const REPO = resolve(__dirname, '../../..');
const SERVICES = ['ingest', 'privacy', 'processor'] as const;
/** No new row for this long means a stage is stuck: fail with the logs' paths instead of waiting forever. */
const STALL_TIMEOUT_MS = 90_000;
const PACED_SECONDS = 20;
/** Extra node flags for the services, e.g. BENCH_NODE_FLAGS='--cpu-prof --cpu-prof-dir=/tmp/prof' to profile each stage. */
const NODE_FLAGS = (process.env['BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);

const log = (line: string) => process.stdout.write(`${line}\n`);
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

const freePort = () =>
  new Promise<number>((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });

const waitReady = async (name: string, url: string, child: ChildProcess, timeoutMs = 120_000) => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode} before it was ready`);
    const ready = await fetch(url).then((response) => response.ok, () => false);
    if (ready) return;
    await sleep(250);
  }
  throw new Error(`${name} was not ready at ${url} within ${timeoutMs} ms`);
};

const body = (firstIndex: number, nowMs: number, idPrefix = 'bp-'): string => {
  const events: string[] = [];
  for (let index = firstIndex; index < firstIndex + EVENTS_PER_REQUEST; index += 1) {
    events.push(
      `{"id":"${idPrefix}${index}","metric":"${METRIC}","value":${(index % 997) + 0.5},"timestamp":${nowMs},"subjectId":"user-${index % SUBJECTS}",` +
        `"attributes":{"region":"${['eu', 'us', 'ap'][index % 3]}","app_version":"${index % 5}.0"}}`,
    );
  }
  return `{"events":[${events.join(',')}]}`;
};

const post = async (port: number, apiKey: string, payload: string): Promise<number> => {
  for (;;) {
    const response = await fetch(`http://127.0.0.1:${port}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: payload,
    });
    const text = await response.text();
    if (response.status === 202) {
      const answer = JSON.parse(text) as { accepted: number; rejected: unknown[] };
      if (answer.rejected.length > 0) throw new Error(`ingest rejected events: ${JSON.stringify(answer.rejected.slice(0, 3))}`);
      return answer.accepted;
    }
    if (response.status === 429 || response.status === 503) {
      await sleep(Number(response.headers.get('retry-after') ?? '0.2') * 1_000);
      continue;
    }
    throw new Error(`ingest answered ${response.status}: ${text.slice(0, 300)}`);
  }
};

/** Sum of a Prometheus counter's samples on a service's /metrics (0 when unreachable). */
const readCounter = async (port: number, name: string): Promise<number> => {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text(), () => '');
  let total = 0;
  for (const line of text.split('\n')) if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  return total;
};

/** CPU seconds (user + system) of the PostgreSQL backends serving this database, from /proc (0 where unreadable). */
const databaseCpuSeconds = async (db: TestDatabase): Promise<Map<number, number>> => {
  const { rows } = await db.pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()`);
  const ticksPerSecond = 100;
  const seconds = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / ticksPerSecond);
    } catch {
      // Another machine's database, or a backend that just ended: not counted.
    }
  }
  return seconds;
};

/** CPU each stage spent during the flood: what the stages cost, independent of how loaded the machine was. */
const stageCpu = async (ports: Record<'ingest' | 'privacy' | 'processor', number>, db: TestDatabase) => ({
  ingest: await readCounter(ports.ingest, 'process_cpu_seconds_total'),
  privacy: await readCounter(ports.privacy, 'process_cpu_seconds_total'),
  processor: await readCounter(ports.processor, 'process_cpu_seconds_total'),
  bench: (process.cpuUsage().user + process.cpuUsage().system) / 1e6,
  postgres: await databaseCpuSeconds(db),
});

const cpuMicrosPerEvent = (before: Awaited<ReturnType<typeof stageCpu>>, after: Awaited<ReturnType<typeof stageCpu>>, events: number) => {
  let postgres = 0;
  for (const [pid, seconds] of after.postgres) postgres += seconds - (before.postgres.get(pid) ?? 0);
  const perEvent = (seconds: number) => Math.round((seconds * 1e6) / events * 10) / 10;
  return {
    ingest: perEvent(after.ingest - before.ingest),
    privacy: perEvent(after.privacy - before.privacy),
    processor: perEvent(after.processor - before.processor),
    postgres: perEvent(postgres),
    benchClient: perEvent(after.bench - before.bench),
  };
};

const latencyPercentiles = async (db: TestDatabase, idPrefix: string): Promise<{ last: Date; p50: number; p99: number }> => {
  const { rows } = await db.pool.query<{ last: Date; p50: number; p99: number }>(
    `SELECT max(stored_at) AS last,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - received_at) * 1000) AS p50,
            percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM stored_at - received_at) * 1000) AS p99
       FROM data_points WHERE metric = $1 AND event_id LIKE $2`,
    [METRIC, `${idPrefix}%`],
  );
  const row = rows[0];
  if (!row) throw new Error('no rows to measure');
  return row;
};

const storedRows = async (db: TestDatabase): Promise<number> =>
  Number((await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM data_points WHERE metric = $1`, [METRIC])).rows[0]?.n);

const main = async () => {
  const missing = SERVICES.filter((service) => !existsSync(join(REPO, `apps/${service}/src/main.ts`)));
  if (missing.length > 0) {
    log(`bench:pipeline skipped: ${missing.map((service) => `apps/${service}/src/main.ts`).join(', ')} missing`);
    log(JSON.stringify({ bench: 'pipeline', skipped: `missing ${missing.join(', ')}` }));
    return;
  }
  const suffix = `.bench-${randomBytes(4).toString('hex')}`;
  const kafka = testKafka();
  const topics = topicNames(suffix);
  // Under a loaded broker, metadata for just-created topics can lag: retry a few times.
  for (let attempt = 1; ; attempt += 1) {
    try {
      await ensureTopics(kafka, topicSpecs(suffix), PARTITIONS);
      break;
    } catch (error) {
      if (attempt >= 10) throw error;
      await sleep(1_000);
    }
  }
  const db = await createTestDatabase();
  const children: ChildProcess[] = [];
  const copyFile = join(tmpdir(), `bench-pipeline-${randomBytes(4).toString('hex')}.copy`);
  try {
    const producer = await BatchProducer.connect(kafka);
    await applyMetricDefinition(
      { pool: db.pool, producer, catalogTopic: topics.catalog },
      {
        name: METRIC,
        type: 'histogram',
        unit: 'ms',
        description: 'Pipeline benchmark latency.',
        owner: 'bench',
        hypothesis: 'The pipeline keeps up with its target load.',
        action: 'Profile the slowest stage.',
        purpose: 'performance',
        // The catalog allows at most 13 months ahead.
        expires: new Date(Date.now() + 300 * 86_400_000).toISOString().slice(0, 10),
        attributes: ['region', 'app_version'],
      },
      'bench',
    );
    for (let subject = 0; subject < SUBJECTS; subject += 1) {
      await recordConsent({ pool: db.pool, producer, consentTopic: topics.consent, pseudonymKey: PSEUDONYM_KEY }, `user-${subject}`, { performance: true }, 'bench');
    }
    await producer.disconnect();
    const keys: string[] = [];
    for (let index = 0; index < SOURCE_COUNT; index += 1) keys.push((await createSource(db.pool, `bench-source-${index}`)).apiKey);

    const ingestPort = await freePort();
    const privacyPort = await freePort();
    const processorPort = await freePort();
    const env = {
      ...process.env,
      KAFKA_BROKERS: TEST_KAFKA_CONFIG.KAFKA_BROKERS,
      KAFKA_TOPIC_SUFFIX: suffix,
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      DATABASE_URL: db.url,
      PSEUDONYM_KEY,
      LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'warn',
      INGEST_PORT: String(ingestPort),
      INGEST_HOST: '127.0.0.1',
      INGEST_RATE_LIMIT_EVENTS_PER_SECOND: '0',
      PRIVACY_HEALTH_PORT: String(privacyPort),
      PRIVACY_CONSUMER_GROUP: `privacy${suffix}`,
      PROCESSOR_HEALTH_PORT: String(processorPort),
      PROCESSOR_GROUP_ID: `processor${suffix}`,
      MINING_INTERVAL_MS: '0',
    };
    for (const service of SERVICES) {
      const logFile = join(tmpdir(), `bench-pipeline${suffix}-${service}.log`);
      const logStream = createWriteStream(logFile);
      const child = spawn(process.execPath, [...NODE_FLAGS, '-r', '@swc-node/register', `apps/${service}/src/main.ts`], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout?.pipe(logStream);
      child.stderr?.pipe(logStream);
      children.push(child);
      log(`${service} logs (warn and above): ${logFile}`);
    }
    const [ingest, privacy, processor] = children as [ChildProcess, ChildProcess, ChildProcess];
    await waitReady('ingest', `http://127.0.0.1:${ingestPort}/readyz`, ingest);
    await waitReady('privacy', `http://127.0.0.1:${privacyPort}/readyz`, privacy);
    await waitReady('processor', `http://127.0.0.1:${processorPort}/readyz`, processor);

    // Warm-up: one request through every stage, so consumer-group joins are not timed.
    const warmupIndex = TOTAL_EVENTS + 10_000_000;
    await post(ingestPort, keys[0] as string, body(warmupIndex, Date.now(), 'warmup-'));
    const warmupDeadline = Date.now() + 120_000;
    while ((await storedRows(db)) < EVENTS_PER_REQUEST) {
      if (Date.now() > warmupDeadline) throw new Error('warm-up events never became rows: is the pipeline running?');
      await sleep(250);
    }
    await db.pool.query(`DELETE FROM data_points WHERE metric = $1`, [METRIC]);
    log(`pipeline ready (ingest :${ingestPort}); pushing ${TOTAL_EVENTS.toLocaleString('en')} events in ${EVENTS_PER_REQUEST}-event requests, ${CONCURRENT_REQUESTS} at a time`);

    const ports = { ingest: ingestPort, privacy: privacyPort, processor: processorPort };
    const cpuBefore = await stageCpu(ports, db);
    const startedMs = Date.now();
    // Which stage holds the pipeline back: when did privacy pass the last event?
    const stageDoneMs: { privacy?: number } = {};
    const privacyBaseline = await readCounter(privacyPort, 'privacy_events_in_total');
    const rowsBaseline = await readCounter(processorPort, 'processor_rows_written_total');
    let tracking = true;
    const trackStages = (async () => {
      while (tracking) {
        if (stageDoneMs.privacy === undefined && (await readCounter(privacyPort, 'privacy_events_in_total')) - privacyBaseline >= TOTAL_EVENTS) stageDoneMs.privacy = Date.now();
        await sleep(250);
      }
    })();
    let nextRequest = 0;
    let accepted = 0;
    const requests = TOTAL_EVENTS / EVENTS_PER_REQUEST;
    const lane = async () => {
      for (let request = nextRequest++; request < requests; request = nextRequest++) {
        const acceptedNow = await post(ingestPort, keys[request % keys.length] as string, body(request * EVENTS_PER_REQUEST, Date.now()));
        accepted += acceptedNow;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENT_REQUESTS }, lane));
    const ingestedMs = Date.now();
    log(`ingest accepted ${accepted.toLocaleString('en')} events in ${((ingestedMs - startedMs) / 1_000).toFixed(1)} s`);
    // Poll the processor's rows-written counter, not count(*): counting a table of millions of rows
    // every 200 ms would take a database core away from the pipeline being measured.
    const rowsWritten = async () => (await readCounter(processorPort, 'processor_rows_written_total')) - rowsBaseline;
    let stored = 0;
    let lastProgress = { rows: -1, atMs: Date.now() };
    for (;;) {
      stored = await rowsWritten();
      if (stored >= accepted) {
        stored = await storedRows(db);
        if (stored >= accepted) break;
      }
      if (stored !== lastProgress.rows) lastProgress = { rows: stored, atMs: Date.now() };
      if (Date.now() - lastProgress.atMs > STALL_TIMEOUT_MS) {
        throw new Error(`stalled: ${stored} of ${accepted} events are rows and none arrived for ${STALL_TIMEOUT_MS / 1_000} s; see the service logs above`);
      }
      await sleep(200);
    }
    tracking = false;
    await trackStages;
    const cpuPerEvent = cpuMicrosPerEvent(cpuBefore, await stageCpu(ports, db), stored);
    // The last row's stored_at is when everything was queryable (the polling adds up to 200 ms otherwise).
    const flood = await latencyPercentiles(db, 'bp-');
    const pipelineSeconds = (flood.last.getTime() - startedMs) / 1_000;
    const eventsPerSec = stored / pipelineSeconds;
    const at = (ms: number | undefined) => (ms === undefined ? '?' : `${((ms - startedMs) / 1_000).toFixed(1)} s`);
    // The processor's last row is exact from stored_at; privacy's from polling its counter.
    log(`stages done: ingest ${at(ingestedMs)}, privacy ${at(stageDoneMs.privacy)} (± 0.25 s), processor ${at(flood.last.getTime())}`);
    log(`pipeline: ${stored.toLocaleString('en')} rows queryable after ${pipelineSeconds.toFixed(1)} s → ${Math.round(eventsPerSec).toLocaleString('en')} events/s`);
    log(`CPU per event (µs): ${JSON.stringify(cpuPerEvent)}; load average ${loadavg().map((load) => load.toFixed(1)).join(' ')}`);
    log(`latency while flooded (events queue up behind the slowest stage): p50 ${Math.round(flood.p50)} ms, p99 ${Math.round(flood.p99)} ms`);

    // Latency at a rate the pipeline sustains: half the measured throughput, paced request by request.
    const pacedRate = Number(process.env['BENCH_LATENCY_EVENTS_PER_SEC'] ?? Math.max(EVENTS_PER_REQUEST, Math.floor(eventsPerSec / 2)));
    const pacedRequests = Math.max(1, Math.round((pacedRate * PACED_SECONDS) / EVENTS_PER_REQUEST));
    const intervalMs = (EVENTS_PER_REQUEST / pacedRate) * 1_000;
    const pacedStartMs = Date.now();
    const inFlight: Array<Promise<number>> = [];
    for (let request = 0; request < pacedRequests; request += 1) {
      await sleep(Math.max(0, pacedStartMs + request * intervalMs - Date.now()));
      inFlight.push(post(ingestPort, keys[request % keys.length] as string, body(request * EVENTS_PER_REQUEST, Date.now(), 'bl-')));
    }
    const pacedAccepted = (await Promise.all(inFlight)).reduce((a, b) => a + b, 0);
    const pacedDeadline = Date.now() + STALL_TIMEOUT_MS;
    while ((await rowsWritten()) < stored + pacedAccepted || (await storedRows(db)) < stored + pacedAccepted) {
      if (Date.now() > pacedDeadline) throw new Error('paced events did not all become rows');
      await sleep(200);
    }
    const paced = await latencyPercentiles(db, 'bl-');
    log(`latency at ${pacedRate.toLocaleString('en')} events/s for ${PACED_SECONDS} s (${pacedAccepted.toLocaleString('en')} events): p50 ${Math.round(paced.p50)} ms, p99 ${Math.round(paced.p99)} ms`);

    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => (child.exitCode !== null ? Promise.resolve() : new Promise((done) => child.once('exit', done)))));
    children.length = 0;

    // Baseline: the same rows, COPYed by one bare client into the same (emptied) table.
    const exportClient = await db.pool.connect();
    try {
      await pipeline(
        exportClient.query(copyTo(`COPY (SELECT time, metric, value, subject, source_id, attributes, event_id, received_at FROM data_points WHERE metric = '${METRIC}' AND event_id LIKE 'bp-%') TO STDOUT`)),
        createWriteStream(copyFile),
      );
      await exportClient.query(`TRUNCATE data_points`);
      await exportClient.query('VACUUM ANALYZE data_points');
    } finally {
      exportClient.release();
    }
    const copyClient = await db.pool.connect();
    let baselineSeconds: number;
    try {
      const copyStartedMs = Date.now();
      await pipeline(createReadStream(copyFile, { highWaterMark: 1024 * 1024 }), copyClient.query(copyFrom(`COPY data_points (time, metric, value, subject, source_id, attributes, event_id, received_at) FROM STDIN`)));
      baselineSeconds = (Date.now() - copyStartedMs) / 1_000;
    } finally {
      copyClient.release();
    }
    const copied = await storedRows(db);
    if (copied !== stored) throw new Error(`baseline copied ${copied} rows, expected ${stored}`);
    const baselineCopyEventsPerSec = copied / baselineSeconds;
    log(`bare COPY: ${copied.toLocaleString('en')} rows in ${baselineSeconds.toFixed(1)} s → ${Math.round(baselineCopyEventsPerSec).toLocaleString('en')} events/s`);
    const ratio = eventsPerSec / baselineCopyEventsPerSec;
    log(`ratio ${ratio.toFixed(2)} (targets: ≥ 50,000 events/s, ratio ≥ 0.3, p99 < 2,000 ms; 2-core machine shared with Kafka, PostgreSQL and the bench itself)`);
    log(
      JSON.stringify({
        bench: 'pipeline',
        events: stored,
        eventsPerSec: Math.round(eventsPerSec),
        baselineCopyEventsPerSec: Math.round(baselineCopyEventsPerSec),
        ratio: Number(ratio.toFixed(3)),
        p50LatencyMs: Math.round(paced.p50),
        p99LatencyMs: Math.round(paced.p99),
        latencyAtEventsPerSec: pacedRate,
        floodedP50LatencyMs: Math.round(flood.p50),
        floodedP99LatencyMs: Math.round(flood.p99),
        cpuMicrosPerEvent: cpuPerEvent,
        loadAverage1m: Number(loadavg()[0]?.toFixed(1)),
      }),
    );
  } finally {
    for (const child of children) child.kill('SIGKILL');
    rmSync(copyFile, { force: true });
    await db.drop();
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: Object.values(topics) }).catch((error: unknown) => log(`could not delete bench topics: ${String(error)}`));
    await admin.disconnect();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`bench:pipeline failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
