import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES, startStack, waitFor, type ServiceName, type Stack } from '@telemetry/test-support';
import { hostileGraphqlRequests } from './hostile-graphql-requests';
import { HOSTILE_METRIC, hostileEventsRequests, hostileMetricsRequests } from './hostile-ingest-requests';
import { judgeAnswer, type HostileRequest } from './hostile-request';
import { createFuzzAgent, sendRawRequest, type RawAnswer } from './send-raw-request';

/**
 * Issue #9 item 5, hostile input at scale: the whole stack as processes gets at least 10,000
 * generated malformed or hostile requests (ingest's /v1/events and /v1/metrics, and GraphQL), 32 at
 * a time, with a batch of valid events interleaved in every round. Every hostile request must be
 * refused with a reason (never a 5xx, a hang, a stack trace or SQL), every service must still be
 * running and ready at the end, and the valid events must all be stored exactly once and add up in
 * GraphQL `series`. Nothing hostile may be stored.
 */

const VALID_METRIC = 'fuzz.valid';
/** Valid but extreme events (values at the float8 limits, the oldest accepted timestamp, the longest attribute value). */
const EDGE_METRIC = 'fuzz.edge';
const SHARD_KEY = 'shard';
const CONCURRENCY = 32;
const MIN_HOSTILE_REQUESTS = 10_000;
const ROUNDS = Math.ceil(MIN_HOSTILE_REQUESTS / CONCURRENCY);
const ANSWER_TIMEOUT_MS = 20_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

interface GraphqlBody<T> {
  data?: T;
  errors?: Array<{ message: string }>;
}

const graphql = async <T>(stack: Stack, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
  const response = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${stack.adminToken}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as GraphqlBody<T>;
  if (body.errors?.length || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
};

const defineMetric = (stack: Stack, name: string, attributes: string[]) =>
  graphql(stack, 'mutation ($input: MetricInput!) { defineMetric(input: $input) { name } }', {
    input: {
      name,
      type: 'gauge',
      unit: '1',
      description: 'Written by the hostile-input fuzz test.',
      owner: 'fuzz',
      hypothesis: 'Hostile requests never disturb valid ones.',
      action: 'Fix the service that let a hostile request through.',
      purpose: 'none',
      expires: new Date(Date.now() + 200 * DAY_MS).toISOString().slice(0, 10),
      attributes,
    },
  });

const createSource = async (stack: Stack, name: string) =>
  (await graphql<{ createSource: { apiKey: string; source: { id: string } } }>(stack, 'mutation ($name: String!) { createSource(name: $name) { apiKey source { id } } }', { name }))
    .createSource;

const createToken = async (stack: Stack, name: string) =>
  (await graphql<{ createToken: { id: string; token: string } }>(stack, 'mutation ($name: String!) { createToken(name: $name, role: VIEWER) { id token } }', { name })).createToken;

/** PIDs of this stack's processes per service: /proc, matched on the entry point and the stack's own topic suffix. */
const runningServices = (suffix: string): Map<ServiceName, number[]> => {
  const running = new Map<ServiceName, number[]>();
  for (const pid of readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))) {
    let commandLine: string;
    let environment: string;
    try {
      commandLine = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      environment = readFileSync(`/proc/${pid}/environ`, 'utf8');
    } catch {
      continue; // exited meanwhile, or not ours to read
    }
    if (!environment.split('\u0000').includes(`KAFKA_TOPIC_SUFFIX=${suffix}`)) continue;
    const service = SERVICES.find((name) => commandLine.includes(`apps/${name}/src/main.ts`));
    if (service) running.set(service, [...(running.get(service) ?? []), Number(pid)]);
  }
  return running;
};

const describeFailure = (request: HostileRequest, answer: RawAnswer, problem: string): string => {
  const sent = request.body.subarray(0, 160).toString('utf8').replace(/\s+/g, ' ');
  const got = answer.kind === 'answer' ? `${answer.status} ${answer.body.subarray(0, 240).toString('utf8')}` : answer.reason;
  return `[${request.target}: ${request.kind}] ${problem}\n    sent ${request.method} ${request.path.slice(0, 80)} (${request.body.length} bytes): ${sent}\n    got  ${got}`;
};

describe('hostile input at scale', () => {
  let stack: Stack;
  let apiKey: string;
  let revokedApiKey: string;
  let viewerToken: string;
  let revokedToken: string;
  const agent = createFuzzAgent(CONCURRENCY);
  /** Every valid event ingest acknowledged (202), by id. */
  const acknowledged = new Map<string, number>();

  const sendValidEvents = async (values: readonly number[]): Promise<string | undefined> => {
    const events = values.map((value, index) => ({
      id: randomUUID(),
      metric: VALID_METRIC,
      value,
      timestamp: Date.now(),
      attributes: { [SHARD_KEY]: `s${index % 4}` },
    }));
    const answer = await sendRawRequest(
      agent,
      stack.ports.ingest,
      { method: 'POST', path: '/v1/events', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ events })) },
      ANSWER_TIMEOUT_MS,
    );
    if (answer.kind === 'failure') return `valid batch: ${answer.reason}`;
    const body = answer.body.toString('utf8');
    if (answer.status !== 202 || (JSON.parse(body) as { accepted: number }).accepted !== events.length) return `valid batch: ${answer.status} ${body}`;
    for (const event of events) acknowledged.set(event.id, event.value);
    return undefined;
  };

  const storedValidEvents = async () =>
    (
      await stack.db.pool.query<{ rows: string; ids: string; total: number | null }>(
        `SELECT count(*)::text AS rows, count(DISTINCT event_id)::text AS ids, sum(value) AS total FROM data_points WHERE metric = $1`,
        [VALID_METRIC],
      )
    ).rows[0]!;

  beforeAll(async () => {
    // The workers read the whole catalog when they start: define it with only the API running.
    stack = await startStack({ services: ['api'] });
    await defineMetric(stack, VALID_METRIC, [SHARD_KEY]);
    await defineMetric(stack, HOSTILE_METRIC, ['tag']);
    await defineMetric(stack, EDGE_METRIC, ['tag']);
    ({ apiKey } = await createSource(stack, 'fuzz'));
    const revoked = await createSource(stack, 'fuzz-revoked');
    revokedApiKey = revoked.apiKey;
    await graphql(stack, 'mutation ($id: ID!) { revokeSource(id: $id) { id } }', { id: revoked.source.id });
    ({ token: viewerToken } = await createToken(stack, 'fuzz-viewer'));
    const revokedTokenRecord = await createToken(stack, 'fuzz-revoked');
    revokedToken = revokedTokenRecord.token;
    await graphql(stack, 'mutation ($id: ID!) { revokeToken(id: $id) }', { id: revokedTokenRecord.id });
    await Promise.all(SERVICES.filter((service) => service !== 'api').map((service) => stack.start(service)));
    expect(await sendValidEvents([7])).toBeUndefined();
    await waitFor(async () => (Number((await storedValidEvents()).rows) === 1 ? true : undefined), 60_000, 250);
    const edgeEvents = [Number.MAX_VALUE, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, -0].map((value, index) => ({
      id: randomUUID(),
      metric: EDGE_METRIC,
      value,
      timestamp: index === 3 ? '2000-01-01T00:00:00Z' : Date.now(),
      attributes: { tag: index === 4 ? 'x'.repeat(256) : 'edge' },
    }));
    const edgeAnswer = await fetch(`${stack.ingestUrl}/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ events: edgeEvents }),
    });
    expect(await edgeAnswer.json()).toEqual({ accepted: edgeEvents.length, rejected: [] });
  }, 300_000);

  afterAll(async () => {
    agent.destroy();
    await stack?.stopAll();
  });

  it('refuses ≥ 10,000 hostile requests with a reason, never a 5xx, and stores the valid events sent alongside exactly once', async () => {
    const credentials = { apiKey, revokedApiKey };
    const hostile = fc.oneof(
      { weight: 4, arbitrary: hostileEventsRequests(credentials) },
      { weight: 2, arbitrary: hostileMetricsRequests(credentials) },
      { weight: 4, arbitrary: hostileGraphqlRequests({ adminToken: stack.adminToken, viewerToken, revokedToken, metric: VALID_METRIC, attributeKey: SHARD_KEY }) },
    );
    const statuses = new Map<string, number>();
    const timeByKind = new Map<string, { requests: number; ms: number }>();
    let hostileSent = 0;
    const startedMs = Date.now();

    // One run = one round: 32 hostile requests at once, and a valid batch in the middle of them.
    await fc.assert(
      fc.asyncProperty(
        fc.array(hostile, { minLength: CONCURRENCY, maxLength: CONCURRENCY }),
        fc.array(fc.integer({ min: 0, max: 1_000 }), { minLength: 1, maxLength: 10 }),
        async (requests, validValues) => {
          const port = (request: HostileRequest) => (request.target === 'graphql' ? stack.ports.api : stack.ports.ingest);
          const [answers, validProblem] = await Promise.all([
            Promise.all(
              requests.map(async (request) => {
                const sentMs = Date.now();
                const answer = await sendRawRequest(agent, port(request), request, ANSWER_TIMEOUT_MS);
                const spent = timeByKind.get(request.kind) ?? { requests: 0, ms: 0 };
                timeByKind.set(request.kind, { requests: spent.requests + 1, ms: spent.ms + Date.now() - sentMs });
                return answer;
              }),
            ),
            sendValidEvents(validValues),
          ]);
          hostileSent += requests.length;
          const problems = validProblem ? [validProblem] : [];
          requests.forEach((request, index) => {
            const answer = answers[index]!;
            const status = `${request.target} ${answer.kind === 'answer' ? answer.status : 'no answer'}`;
            statuses.set(status, (statuses.get(status) ?? 0) + 1);
            const problem = judgeAnswer(request, answer);
            if (problem) problems.push(describeFailure(request, answer, problem));
          });
          if (problems.length > 0) throw new Error(`${problems.length} wrong answers in this round:\n${problems.join('\n')}`);
        },
      ),
      {
        numRuns: ROUNDS,
        // Rounds depend on the stack's state, so a failing round is reported as it happened, not shrunk,
        // and without fast-check's counterexample print (32 requests, some of them a megabyte).
        endOnFailure: true,
        reporter: (details) => {
          if (!details.failed) return;
          const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
          throw new Error(`round ${details.numRuns} of ${ROUNDS} failed (fast-check seed ${details.seed}):\n${error}`);
        },
      },
    );
    const elapsedSeconds = (Date.now() - startedMs) / 1_000;
    const histogram = Object.fromEntries([...statuses].sort(([a], [b]) => a.localeCompare(b)));
    console.info(`hostile requests sent: ${hostileSent} in ${elapsedSeconds.toFixed(1)} s (${Math.round(hostileSent / elapsedSeconds)}/s); valid events acknowledged: ${acknowledged.size}`);
    console.info(`status histogram: ${JSON.stringify(histogram)}`);
    const slowest = [...timeByKind].sort(([, a], [, b]) => b.ms - a.ms).slice(0, 6);
    console.info(`slowest kinds (requests, mean ms): ${slowest.map(([kind, { requests, ms }]) => `${kind} ${requests}×${Math.round(ms / requests)}`).join('; ')}`);
    expect(hostileSent).toBeGreaterThanOrEqual(MIN_HOSTILE_REQUESTS);

    // No service died or stopped being ready.
    const running = runningServices(stack.suffix);
    for (const service of SERVICES) {
      expect(running.get(service), `${service} process`).toHaveLength(1);
      expect((await fetch(`http://127.0.0.1:${stack.ports[service]}/readyz`)).status, `${service} /readyz`).toBe(200);
    }

    // Every acknowledged valid event stored exactly once, nothing hostile stored at all.
    const expectedSum = [...acknowledged.values()].reduce((sum, value) => sum + value, 0);
    const stored = await waitFor(async () => {
      const current = await storedValidEvents();
      return Number(current.rows) >= acknowledged.size ? current : undefined;
    }, 60_000, 500);
    expect({ rows: Number(stored.rows), ids: Number(stored.ids), total: stored.total }).toEqual({ rows: acknowledged.size, ids: acknowledged.size, total: expectedSum });
    // The services' own figures (telemetry.self.*) are stored too; nothing else may be.
    const { rows: metrics } = await stack.db.pool.query<{ metric: string }>(
      `SELECT DISTINCT metric FROM data_points WHERE metric NOT LIKE 'telemetry.self.%' AND metric <> $1 ORDER BY metric`,
      [EDGE_METRIC],
    );
    expect(metrics.map(({ metric }) => metric)).toEqual([VALID_METRIC]);

    // The extreme but valid events were stored, and GraphQL answers them (a sum that overflows float8 is null, not an error).
    // (graphql() throws on any error in the answer.)
    const edge = await graphql<{ series: Array<{ group: { tag: string }; points: Array<{ count: number; sum: number | null; max: number | null }> }> }>(
      stack,
      'query ($metric: String!, $from: DateTime!, $to: DateTime!) { series(metric: $metric, from: $from, to: $to, step: "1d", groupBy: ["tag"]) { group points { count sum max } } }',
      { metric: EDGE_METRIC, from: new Date(startedMs - DAY_MS).toISOString(), to: new Date(Date.now() + DAY_MS).toISOString() },
    );
    const extremes = edge.series.find((group) => group.group.tag === 'edge')?.points ?? [];
    expect(extremes.reduce((total, point) => total + point.count, 0)).toBe(3);
    expect(Math.max(...extremes.map((point) => point.max ?? 0))).toBe(Number.MAX_VALUE);
    expect(extremes.every((point) => point.sum === null || Number.isFinite(point.sum))).toBe(true);

    // …and GraphQL adds them up the same way.
    const { series } = await graphql<{ series: Array<{ points: Array<{ count: number; sum: number }> }> }>(
      stack,
      // A step below an hour reads rollups_1m only, which the processor writes with the rows.
      'query ($metric: String!, $from: DateTime!, $to: DateTime!) { series(metric: $metric, from: $from, to: $to, step: "10m") { points { count sum } } }',
      { metric: VALID_METRIC, from: new Date(startedMs - HOUR_MS).toISOString(), to: new Date(Date.now() + HOUR_MS).toISOString() },
    );
    const points = series.flatMap((group) => group.points);
    expect(points.reduce((total, point) => total + point.count, 0)).toBe(acknowledged.size);
    expect(points.reduce((total, point) => total + point.sum, 0)).toBe(expectedSum);
  }, 300_000);
});
