import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyMetricDefinition, createSource } from '@telemetry/admin';
import type { MetricDefinition } from '@telemetry/contracts';
import { BatchProducer } from '@telemetry/kafka';
import { querySeries, readTopic, seriesTotals, testKafka, waitFor, type ReadMessage, type Stack } from '@telemetry/test-support';

/**
 * What the fault tests share: a catalog and sources set up from outside the services, a sender that
 * behaves like a real client (retries 503, 429 and lost connections with the same event ids, and
 * counts an event only once ingest answered 202 for it), and the counts of what was stored.
 */

const REPO = join(__dirname, '..', '..');
export const FAULT_COUNTS_FILE = join(REPO, '.reports', 'fault-counts.json');

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
/** Static alert line: a planted value above it is an anomaly whatever the detector has learned. */
export const ALERT_ABOVE = 1_000;
const PLANTED_VALUE = 5_000;
/**
 * One lane per source and host: the events of a series reach the pipeline in order, as one device
 * sends them. Sixteen sources (envelope keys) leave no partition of 4 without data but by a 1-in-4,000 chance.
 */
export const LANES = 16;
/** Event timestamps of a series are this far apart, so each series' points are strictly increasing. */
const EVENT_SPACING_MS = 5;

/**
 * A killed worker's partitions wait this long for it before the group moves them (30 s by default):
 * short enough for the suite's time budget, long enough that a batch on a busy machine keeps its partitions.
 */
export const FAULT_SESSION_TIMEOUT_MS = '10000';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const faultMetric = (name: string): MetricDefinition => ({
  name,
  type: 'gauge',
  unit: 'ms',
  description: 'Load sent by the fault tests.',
  owner: 'faults',
  hypothesis: 'Nothing acknowledged is lost when a process or the broker dies.',
  action: 'Find the stage that dropped or duplicated events.',
  purpose: 'none',
  expires: new Date(Date.now() + 100 * DAY_MS).toISOString().slice(0, 10),
  attributes: ['host'],
  // below only because an absent bound is refused by the catalog as a non-number (see test/e2e/dashboard.spec.ts).
  alert: { above: ALERT_ABOVE, below: -1 },
  // Raw points are scored too, so every planted value is one static anomaly of its own.
  highResolution: true,
});

export interface FaultSetup {
  /** API keys of LANES sources, lane i sends as source i. */
  apiKeys: string[];
  producer: BatchProducer;
  close: () => Promise<void>;
}

/** Defines the metrics (published on the stack's catalog topic) and creates the sources. */
export const setUpFaults = async (stack: Stack, metrics: readonly string[]): Promise<FaultSetup> => {
  const producer = await BatchProducer.connect(testKafka(stack.env['KAFKA_BROKERS']));
  for (const metric of metrics) {
    await applyMetricDefinition({ pool: stack.db.pool, producer, catalogTopic: stack.topics.catalog }, faultMetric(metric), 'faults');
  }
  const apiKeys: string[] = [];
  for (let lane = 0; lane < LANES; lane += 1) apiKeys.push((await createSource(stack.db.pool, `fault-source-${lane}`)).apiKey);
  return { apiKeys, producer, close: () => producer.disconnect() };
};

export interface StreamPlan {
  metric: string;
  /** Event ids start with it; a case counts only its own rows. */
  idPrefix: string;
  events: number;
  /** Every n-th event of a lane carries a value above the alert line. */
  plantEvery?: number;
  /** Pause between a lane's requests, so that a fault lands in the middle of the stream. */
  pauseMs?: number;
  eventsPerRequest?: number;
}

export interface StreamResult {
  /** Ids ingest answered 202 for (accepted, not rejected). */
  acknowledged: Set<string>;
  /** Acknowledged ids per host. */
  perHost: Map<string, number>;
  /** Timestamps (ms) of acknowledged planted events. */
  planted: number[];
  /** Requests answered 503 or lost with the connection, then sent again. */
  retries: number;
  /** The first event's timestamp (ms); the stream's events are within the following minutes. */
  startMs: number;
}

interface PendingEvent {
  id: string;
  metric: string;
  value: number;
  timestamp: number;
  attributes: { host: string };
}

export interface RunningStream {
  /** Filled in as ingest acknowledges: read it to time a fault by the sender's progress. */
  progress: StreamResult;
  finished: Promise<StreamResult>;
}

/**
 * Sends plan.events events through HTTP ingest on LANES sequential lanes (lane = source = host).
 * A request that is answered 503/429 or that dies with the connection is sent again, unchanged,
 * until ingest answers 202: what a real client does, and the only way an event counts as acknowledged.
 */
export const startStream = (stack: Stack, setup: FaultSetup, plan: StreamPlan): RunningStream => {
  // Whole seconds plus 7 ms: a planted raw point never shares its time with a minute bucket's start.
  const baseMs = Math.floor((Date.now() - 20 * MINUTE_MS) / 1_000) * 1_000 + 7;
  const progress: StreamResult = { acknowledged: new Set(), perHost: new Map(), planted: [], retries: 0, startMs: baseMs };
  const perLane = Math.ceil(plan.events / LANES);
  const perRequest = plan.eventsPerRequest ?? 500;
  const lane = async (laneIndex: number) => {
    const host = `h${laneIndex}`;
    for (let first = 0; first < perLane; first += perRequest) {
      const events: PendingEvent[] = [];
      for (let index = first; index < Math.min(first + perRequest, perLane); index += 1) {
        const planted = plan.plantEvery !== undefined && index % plan.plantEvery === plan.plantEvery - 1;
        events.push({
          id: `${plan.idPrefix}${laneIndex}-${index}`,
          metric: plan.metric,
          value: planted ? PLANTED_VALUE : 50 + ((index * 7919) % 100) / 20,
          timestamp: baseMs + index * EVENT_SPACING_MS,
          attributes: { host },
        });
      }
      const accepted = await postUntilAcknowledged(stack.ingestUrl, setup.apiKeys[laneIndex] as string, events, () => (progress.retries += 1));
      for (const event of accepted) {
        progress.acknowledged.add(event.id);
        if (event.value > ALERT_ABOVE) progress.planted.push(event.timestamp);
      }
      progress.perHost.set(host, (progress.perHost.get(host) ?? 0) + accepted.length);
      if (plan.pauseMs) await sleep(plan.pauseMs);
    }
  };
  const finished = Promise.all(Array.from({ length: LANES }, (_, index) => lane(index))).then(() => progress);
  return { progress, finished };
};

const postUntilAcknowledged = async (ingestUrl: string, apiKey: string, events: PendingEvent[], onRetry: () => void): Promise<PendingEvent[]> => {
  const body = JSON.stringify({ events });
  for (let attempt = 1; ; attempt += 1) {
    let retryAfterMs = 200;
    try {
      const response = await fetch(`${ingestUrl}/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (response.status === 202) {
        const answer = JSON.parse(text) as { accepted: number; rejected: Array<{ index: number; reason: string }> };
        const rejected = new Set(answer.rejected.map((entry) => entry.index));
        if (rejected.size > 0) throw new Error(`ingest rejected fault events: ${JSON.stringify(answer.rejected.slice(0, 3))}`);
        return events.filter((_, index) => !rejected.has(index));
      }
      if (response.status !== 503 && response.status !== 429) throw new Error(`ingest answered ${response.status}: ${text.slice(0, 300)}`);
      retryAfterMs = Math.min(2_000, Number(response.headers.get('retry-after') ?? '0.2') * 1_000);
    } catch (error) {
      // Connection refused or reset (ingest killed or restarting), or no answer in time: nothing is
      // known about this request, so it is sent again with the same ids.
      if (error instanceof Error && error.message.startsWith('ingest ')) throw error;
    }
    if (attempt > 600) throw new Error('ingest did not acknowledge a request after 600 attempts');
    onRetry();
    await sleep(retryAfterMs);
  }
};

export interface StoredCounts {
  rows: number;
  distinctIds: number;
  /** Acknowledged ids without a row. */
  lost: number;
  /** Rows beyond one per event id. */
  duplicated: number;
}

export const countStored = async (stack: Stack, idPrefix: string, acknowledged: ReadonlySet<string>): Promise<StoredCounts> => {
  const { rows } = await stack.db.pool.query<{ event_id: string }>(`SELECT event_id FROM data_points WHERE event_id LIKE $1`, [`${idPrefix}%`]);
  const ids = new Set(rows.map((row) => row.event_id));
  let lost = 0;
  for (const id of acknowledged) if (!ids.has(id)) lost += 1;
  return { rows: rows.length, distinctIds: ids.size, lost, duplicated: rows.length - ids.size };
};

/** The acknowledged ids that have no row. */
export const missingIds = async (stack: Stack, idPrefix: string, acknowledged: ReadonlySet<string>): Promise<string[]> => {
  const { rows } = await stack.db.pool.query<{ event_id: string }>(`SELECT event_id FROM data_points WHERE event_id LIKE $1`, [`${idPrefix}%`]);
  const stored = new Set(rows.map((row) => row.event_id));
  return [...acknowledged].filter((id) => !stored.has(id));
};

const idsIn = (messages: readonly ReadMessage[]): Set<string> => {
  const ids = new Set<string>();
  for (const message of messages) {
    const envelope = JSON.parse(message.value ?? '{}') as { events?: Array<{ id?: string }> };
    for (const event of envelope.events ?? []) if (event.id) ids.add(event.id);
  }
  return ids;
};

/** For a failure message: how far the lost events got (raw topic, clean topic), so the stage that dropped them is named. */
export const locateLost = async (stack: Stack, lost: readonly string[]): Promise<string> => {
  if (lost.length === 0) return 'nothing lost';
  const kafka = testKafka(stack.env['KAFKA_BROKERS']);
  const found: string[] = [];
  for (const topic of [stack.topics.raw, stack.topics.clean]) {
    const messages = await readTopic(kafka, topic, (read) => lost.every((id) => idsIn(read).has(id)), 10_000);
    const ids = idsIn(messages);
    found.push(`${lost.filter((id) => ids.has(id)).length} of ${lost.length} in ${topic}`);
  }
  return `lost ids (first ${Math.min(5, lost.length)}): ${lost.slice(0, 5).join(', ')}; ${found.join('; ')}`;
};

/** Waits until the case's rows stop growing at (or past) the acknowledged count, then counts them. */
export const settleAndCount = async (stack: Stack, idPrefix: string, acknowledged: ReadonlySet<string>, timeoutMs = 90_000): Promise<StoredCounts> => {
  // On a timeout the counts below say what is missing.
  await waitFor(async () => ((await storedRows(stack, idPrefix)) >= acknowledged.size ? true : undefined), timeoutMs, 250).catch(() => undefined);
  // A batch replayed after the fault would arrive now: give it the time to (wrongly) add rows.
  await sleep(1_500);
  return countStored(stack, idPrefix, acknowledged);
};

/** Static anomalies stored for the planted points (one row per point: anomaly ids are deterministic). */
export const countPlantedAnomalies = async (stack: Stack, metric: string, planted: readonly number[]): Promise<number> => {
  const { rows } = await stack.db.pool.query<{ n: string }>(
    `SELECT count(*) AS n FROM anomalies WHERE metric = $1 AND detector = 'static' AND at = ANY($2::timestamptz[])`,
    [metric, planted.map((ms) => new Date(ms).toISOString())],
  );
  return Number(rows[0]?.n);
};

export const waitForPlantedAnomalies = async (stack: Stack, metric: string, planted: readonly number[], timeoutMs = 60_000): Promise<number> => {
  await waitFor(async () => ((await countPlantedAnomalies(stack, metric, planted)) >= planted.length ? true : undefined), timeoutMs, 250).catch(() => undefined);
  return countPlantedAnomalies(stack, metric, planted);
};

/** The sum of `count` over a metric's 1-minute points from `fromMs` on, as GraphQL `series` answers it. */
export const seriesCount = async (stack: Stack, metric: string, fromMs: number): Promise<number> =>
  seriesTotals(await querySeries(stack, metric, { fromMs: Math.floor(fromMs / MINUTE_MS) * MINUTE_MS, toMs: Date.now() + MINUTE_MS, step: '1m' })).count;

export interface FaultCase {
  acknowledged: number;
  stored: number;
  lost: number;
  duplicated: number;
  [detail: string]: number | string;
}

/**
 * Prints the case's counts and records them in .reports/fault-counts.json, where
 * scripts/summarize-tests.mjs (the end of `npm test`) prints them beside the test summary.
 */
export const reportFaultCase = (name: string, counts: FaultCase): void => {
  const details = Object.entries(counts)
    .map(([key, value]) => `${key}=${value}`)
    .join(' ');
  process.stdout.write(`faults: ${name} ${details}\n`);
  mkdirSync(join(REPO, '.reports'), { recursive: true });
  let existing: { cases?: Record<string, unknown> } = {};
  try {
    existing = JSON.parse(readFileSync(FAULT_COUNTS_FILE, 'utf8')) as typeof existing;
  } catch {
    // first case of the run, or an unreadable leftover: start afresh
  }
  const next = { cases: { ...existing.cases, [name]: { ...counts, at: new Date().toISOString() } } };
  // Written whole and renamed, so a reader never sees half a file.
  const temporary = `${FAULT_COUNTS_FILE}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`);
  renameSync(temporary, FAULT_COUNTS_FILE);
};

/**
 * Waits until a first event of each metric is a row and, as a planted value, an anomaly: the catalog
 * is known to every service and every consumer group has joined.
 */
export const warmUp = async (stack: Stack, setup: FaultSetup, metrics: readonly string[]): Promise<void> => {
  const timestamp = Date.now() - 30 * MINUTE_MS;
  for (const metric of metrics) {
    const warm: PendingEvent = { id: `warm-${metric}`, metric, value: PLANTED_VALUE, timestamp, attributes: { host: 'warm' } };
    await postUntilAcknowledged(stack.ingestUrl, setup.apiKeys[0] as string, [warm], () => undefined);
  }
  await waitFor(
    async () => {
      const { rows } = await stack.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM data_points WHERE event_id LIKE 'warm-%'`);
      return Number(rows[0]?.n) >= metrics.length ? true : undefined;
    },
    90_000,
    250,
  );
  for (const metric of metrics) await waitFor(async () => ((await countPlantedAnomalies(stack, metric, [timestamp])) === 1 ? true : undefined), 60_000, 250);
};

/**
 * The sum of a Prometheus counter's samples whose labels contain `labels` (0 when the service does not
 * answer), from one instance's port (scrapeMetric of test-support reads a service's first instance only).
 */
export const readCounter = async (port: number, name: string, labels = ''): Promise<number> => {
  const text = await fetch(`http://127.0.0.1:${port}/metrics`).then((response) => response.text(), () => '');
  let total = 0;
  for (const line of text.split('\n')) {
    if (!(line.startsWith(`${name}{`) || line.startsWith(`${name} `)) || !line.includes(labels)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
};

export const storedRows = async (stack: Stack, idPrefix: string): Promise<number> => {
  const { rows } = await stack.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM data_points WHERE event_id LIKE $1`, [`${idPrefix}%`]);
  return Number(rows[0]?.n);
};

/** Polls a progress figure until it reaches `atLeast` and returns it: a fault then lands mid-stream. */
export const waitForProgress = (progress: () => Promise<number>, atLeast: number, timeoutMs = 120_000): Promise<number> =>
  waitFor(
    async () => {
      const value = await progress();
      return value >= atLeast ? value : undefined;
    },
    timeoutMs,
    50,
  );
