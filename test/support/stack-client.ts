import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { ServiceName, Stack } from './stack';
import { readTopic, testKafka, waitFor } from './test-kafka';

/**
 * What e2e tests need to talk to a running stack from the outside, as a user would: GraphQL over
 * HTTP and graphql-ws, the ingest HTTP API, and the services' Prometheus `/metrics`.
 */

export interface GraphqlError {
  message: string;
  extensions?: { code?: string } & Record<string, unknown>;
}

export class GraphqlRequestError extends Error {
  constructor(readonly errors: readonly GraphqlError[]) {
    super(`GraphQL failed: ${errors.map((error) => `${error.extensions?.code ?? '?'}: ${error.message}`).join('; ')}`);
  }
}

/** One GraphQL operation over HTTP; errors become a GraphqlRequestError (admin token by default). */
export const graphql = async <T>(stack: Stack, query: string, variables: Record<string, unknown> = {}, token = stack.adminToken): Promise<T> => {
  const response = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T | null; errors?: GraphqlError[] };
  if (body.errors?.length || body.data === undefined || body.data === null) throw new GraphqlRequestError(body.errors ?? [{ message: `HTTP ${response.status} without data` }]);
  return body.data;
};

/** A graphql-ws client with the stack's admin token, failing fast instead of reconnecting. Dispose it. */
export const subscriptionClient = (stack: Stack, token = stack.adminToken): Client =>
  createClient({
    url: `${stack.apiUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${token}` },
    retryAttempts: 0,
  });

/** MetricInput of apps/api/schema.graphql. */
export interface MetricInput {
  name: string;
  type: string;
  unit?: string;
  description?: string;
  owner?: string;
  hypothesis?: string;
  action?: string;
  purpose?: string;
  expires?: string;
  attributes?: string[];
  formula?: string;
  alert?: { above?: number; below?: number };
  budget?: { eventsPerDay: number };
  highResolution?: boolean;
}

export const defineMetric = async (stack: Stack, input: MetricInput): Promise<void> => {
  await graphql(stack, `mutation ($input: MetricInput!) { defineMetric(input: $input) { name } }`, { input });
};

export interface CreatedSource {
  id: string;
  apiKey: string;
}

export const createSource = async (stack: Stack, name: string): Promise<CreatedSource> => {
  const { createSource: created } = await graphql<{ createSource: { source: { id: string }; apiKey: string } }>(
    stack,
    `mutation ($name: String!) { createSource(name: $name) { source { id } apiKey } }`,
    { name },
  );
  return { id: created.source.id, apiKey: created.apiKey };
};

export const recordConsent = async (stack: Stack, subjectId: string, purposes: Record<string, boolean>): Promise<void> => {
  await graphql(stack, `mutation ($s: String!, $p: [PurposeGrant!]!) { recordConsent(subjectId: $s, purposes: $p) { subject } }`, {
    s: subjectId,
    p: Object.entries(purposes).map(([purpose, granted]) => ({ purpose, granted })),
  });
};

/** The Event of docs/ARCHITECTURE.md, as a sender writes it. */
export interface SentEvent {
  id: string;
  metric: string;
  value: number;
  timestamp: string | number;
  subjectId?: string;
  attributes?: Record<string, string | number | boolean>;
}

export interface IngestAnswer {
  status: number;
  body: { accepted?: number; rejected?: Array<{ index: number; reason: string }> } & Record<string, unknown>;
}

/** POST /v1/events with a source's API key. */
export const postEvents = async (stack: Stack, apiKey: string, events: readonly SentEvent[]): Promise<IngestAnswer> => {
  const response = await fetch(`${stack.ingestUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ events }),
  });
  return { status: response.status, body: (await response.json()) as IngestAnswer['body'] };
};

export interface SeriesPoint {
  t: string;
  count: number;
  sum: number | null;
  min: number | null;
  max: number | null;
}

export interface Series {
  group: Record<string, unknown>;
  points: SeriesPoint[];
}

export interface SeriesQuery {
  /** Default: the last hour and the next (events are sent with timestamps around now). */
  fromMs?: number;
  toMs?: number;
  /** Not a whole hour, so the current hour's 1-minute rollups are read, not rollups_1h (filled hourly). */
  step?: string;
  groupBy?: string[];
}

const HOUR_MS = 3_600_000;

export const querySeries = async (stack: Stack, metric: string, query: SeriesQuery = {}): Promise<Series[]> => {
  const nowMs = Date.now();
  const { series } = await graphql<{ series: Series[] }>(
    stack,
    `query ($metric: String!, $from: DateTime!, $to: DateTime!, $step: String, $groupBy: [String!]) {
       series(metric: $metric, from: $from, to: $to, step: $step, groupBy: $groupBy) { group points { t count sum min max } }
     }`,
    {
      metric,
      from: new Date(query.fromMs ?? nowMs - HOUR_MS).toISOString(),
      to: new Date(query.toMs ?? nowMs + HOUR_MS).toISOString(),
      step: query.step ?? '5m',
      groupBy: query.groupBy ?? [],
    },
  );
  return series;
};

/** count and sum of every point of every group: what the series query says was stored. */
export const seriesTotals = (series: readonly Series[]): { count: number; sum: number } =>
  series
    .flatMap((one) => one.points)
    .reduce((totals, point) => ({ count: totals.count + point.count, sum: totals.sum + (point.sum ?? 0) }), { count: 0, sum: 0 });

/** count and sum per value of one attribute (`groupBy: [key]`), keyed by that value. */
export const seriesTotalsBy = async (stack: Stack, metric: string, key: string): Promise<Record<string, { count: number; sum: number }>> =>
  Object.fromEntries((await querySeries(stack, metric, { groupBy: [key] })).map((series) => [String(series.group[key]), seriesTotals([series])]));

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/;
const LABEL_PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * One figure from a service's Prometheus `/metrics`: the sum over the series of `name` that carry
 * every label given (others, such as a default `service` label, may be there too), or undefined
 * when there is none (yet).
 */
export const scrapeMetric = async (stack: Stack, service: ServiceName, name: string, labels: Record<string, string> = {}): Promise<number | undefined> => {
  const response = await fetch(`http://127.0.0.1:${stack.ports[service]}/metrics`);
  const values: number[] = [];
  for (const line of (await response.text()).split('\n')) {
    const sample = SAMPLE_LINE.exec(line);
    if (sample === null || sample[1] !== name) continue;
    const present = new Map([...(sample[2] ?? '').matchAll(LABEL_PAIR)].map((pair) => [pair[1], pair[2]]));
    if (Object.entries(labels).every(([key, value]) => present.get(key) === value)) values.push(Number(sample[3]));
  }
  return values.length === 0 ? undefined : values.reduce((sum, value) => sum + value, 0);
};

/**
 * Defines a metric through the API and waits until the privacy filter's catalog view holds it:
 * until then the metric's events would be dead-lettered as unknown_metric. The filter is ready
 * before this is called, so its catalog size then is the size without the new metric.
 */
export const defineMetricSeenByPrivacy = async (stack: Stack, input: MetricInput, timeoutMs = 10_000): Promise<void> => {
  const catalogSizeBefore = (await scrapeMetric(stack, 'privacy', 'privacy_catalog_size')) ?? 0;
  await defineMetric(stack, input);
  await waitFor(async () => ((await scrapeMetric(stack, 'privacy', 'privacy_catalog_size')) === catalogSizeBefore + 1 ? true : undefined), timeoutMs);
};

/** A telemetry.dlq.v1 record as read back (docs/ARCHITECTURE.md); `event` is null for an undecodable message. */
export interface ReadDeadLetter {
  sourceId: string;
  reason: string;
  stage: string;
  at: string;
  event: { id: string; metric: string; subjectId?: string } | null;
}

/** The dead letters of the given event ids, read from the beginning of the stack's DLQ until all are there (or the timeout). */
export const readDeadLetters = async (stack: Stack, eventIds: readonly string[], timeoutMs = 30_000): Promise<ReadDeadLetter[]> => {
  const wanted = new Set(eventIds);
  const matching = (messages: ReadonlyArray<{ value: string | null }>) =>
    messages
      .flatMap((message) => (message.value === null ? [] : [JSON.parse(message.value) as ReadDeadLetter]))
      .filter((record) => record.event !== null && wanted.has(record.event.id));
  return matching(await readTopic(testKafka(), stack.topics.dlq, (messages) => matching(messages).length >= wanted.size, timeoutMs));
};
