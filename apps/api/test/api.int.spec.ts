import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchProducer } from '@telemetry/kafka';
import { readTopic, waitFor } from '@telemetry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Pool } from 'pg';
import { PG_POOL } from '../src/core/api-deps';
import { ADMIN_TOKEN, expectedPseudonym, startApiHarness, type ApiHarness, type GraphqlResponse } from './api-harness';

let api: ApiHarness;
let viewerToken: string;
let viewerTokenId: string;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Whole hours in the past, so hour-step queries read rollups_1h only. */
const T0 = Math.floor(Date.now() / HOUR) * HOUR - 6 * HOUR;

const codes = (response: GraphqlResponse) => (response.errors ?? []).map((error) => error.extensions?.code);

const measured = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'histogram',
  unit: 'ms',
  description: 'Time from click to confirmation.',
  owner: 'payments',
  hypothesis: 'Latency above 2 s loses customers.',
  action: 'Page the payments on-call.',
  purpose: 'performance',
  expires: new Date(Date.now() + 90 * 24 * HOUR).toISOString().slice(0, 10),
  attributes: ['region', 'app_version'],
  ...extra,
});

const DEFINE = `mutation($input: MetricInput!) { defineMetric(input: $input) { name type attributes version retiredAt formula } }`;

/** One rollup row per (table, region, bucket): count 10, values around `base`. */
const seedRollups = async (table: 'rollups_1m' | 'rollups_1h', metric: string, rows: Array<{ at: number; region: string; count: number; sum: number; min: number; max: number; p50: number; p95: number; p99: number }>) => {
  const values: unknown[] = [];
  const tuples = rows.map((row, index) => {
    const base = index * 11;
    values.push(metric, `region=${row.region}`, new Date(row.at).toISOString(), JSON.stringify({ region: row.region }), row.count, row.sum, row.min, row.max, row.p50, row.p95, row.p99);
    return `(${Array.from({ length: 11 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
  });
  await api.db.pool.query(
    `INSERT INTO ${table} (metric, series, bucket_start, attributes, count, sum, min, max, p50, p95, p99) VALUES ${tuples.join(', ')}`,
    values,
  );
};

beforeAll(async () => {
  api = await startApiHarness();
  const created = await api.gql<{ createToken: { id: string; token: string } }>(`mutation { createToken(name: "viewer", role: VIEWER) { id token role } }`);
  viewerToken = created.data?.createToken.token ?? '';
  viewerTokenId = created.data?.createToken.id ?? '';
});

afterAll(async () => {
  await api?.close();
});

describe('authentication and roles', () => {
  it.each([
    ['no token', null],
    ['an unknown token', 'tlm_not-a-real-token'],
    ['a malformed header value', 'Bearer'],
  ])('refuses %s with UNAUTHENTICATED', async (_name, token) => {
    const response = await api.gql('{ metrics { name } }', {}, token);
    expect(codes(response)).toEqual(['UNAUTHENTICATED']);
    expect(response.data ?? null).toBeNull();
  });

  it('lets a viewer query', async () => {
    const response = await api.gql('{ metrics { name } sources { id } }', {}, viewerToken);
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({ metrics: [], sources: [] });
  });

  it('stores only a hash of a created token', async () => {
    const { rows } = await api.db.pool.query(`SELECT token_hash, role FROM api_tokens WHERE id = $1`, [viewerTokenId]);
    expect(rows).toHaveLength(1);
    expect(rows[0].role).toBe('viewer');
    expect(rows[0].token_hash).not.toContain(viewerToken);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    ['defineMetric', `mutation { defineMetric(input: { name: "a.b", type: "gauge" }) { name } }`],
    ['retireMetric', `mutation { retireMetric(name: "a.b") { name } }`],
    ['createSource', `mutation { createSource(name: "x") { apiKey } }`],
    ['revokeSource', `mutation { revokeSource(id: "x") { id } }`],
    ['recordConsent', `mutation { recordConsent(subjectId: "s", purposes: [{ purpose: "performance", granted: true }]) { subject } }`],
    ['requestErasure', `mutation { requestErasure(subjectId: "s") { id } }`],
    ['acknowledgeIncident', `mutation { acknowledgeIncident(id: "x") { id } }`],
    ['resolveIncident', `mutation { resolveIncident(id: "x") { id } }`],
    ['createToken', `mutation { createToken(name: "x", role: ADMIN) { token } }`],
    ['revokeToken', `mutation { revokeToken(id: "x") }`],
  ])('refuses a viewer %s with FORBIDDEN and changes nothing', async (_name, mutation) => {
    const before = await api.db.pool.query('SELECT count(*)::int AS n FROM audit_log');
    const response = await api.gql(mutation, {}, viewerToken);
    expect(codes(response)).toEqual(['FORBIDDEN']);
    const after = await api.db.pool.query('SELECT count(*)::int AS n FROM audit_log');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('revokes a token at once, audited', async () => {
    const created = await api.gql<{ createToken: { id: string; token: string } }>(`mutation { createToken(name: "short-lived", role: ADMIN) { id token } }`);
    const token = created.data?.createToken.token ?? '';
    expect((await api.gql('{ metrics { name } }', {}, token)).errors).toBeUndefined();
    const revoked = await api.gql<{ revokeToken: boolean }>(`mutation($id: ID!) { revokeToken(id: $id) }`, { id: created.data?.createToken.id });
    expect(revoked.data?.revokeToken).toBe(true);
    expect(codes(await api.gql('{ metrics { name } }', {}, token))).toEqual(['UNAUTHENTICATED']);
    const audit = await api.db.pool.query(`SELECT actor, action FROM audit_log WHERE target = $1 ORDER BY id`, [created.data?.createToken.id]);
    expect(audit.rows).toEqual([
      { actor: 'bootstrap-admin', action: 'token.create' },
      { actor: 'bootstrap-admin', action: 'token.revoke' },
    ]);
  });
});

describe('metric catalog', () => {
  it('defines a metric: metric_definitions row, catalog.v1 record, audit_log row', async () => {
    const response = await api.gql<{ defineMetric: { name: string; version: number; attributes: string[] } }>(DEFINE, { input: measured('checkout.latency') });
    expect(response.errors).toBeUndefined();
    expect(response.data?.defineMetric).toMatchObject({ name: 'checkout.latency', version: 1, attributes: ['region', 'app_version'] });
    const stored = await api.db.pool.query(`SELECT definition, version, retired_at FROM metric_definitions WHERE name = 'checkout.latency'`);
    expect(stored.rows[0].definition).toMatchObject({ name: 'checkout.latency', type: 'histogram', owner: 'payments' });
    const messages = await readTopic(api.kafka, api.topics.catalog, (read) => read.some((message) => message.key === 'checkout.latency'));
    const record = messages.find((message) => message.key === 'checkout.latency');
    expect(JSON.parse(record?.value ?? 'null')).toMatchObject({ name: 'checkout.latency', type: 'histogram', purpose: 'performance' });
    const audit = await api.db.pool.query(`SELECT actor, action FROM audit_log WHERE target = 'checkout.latency'`);
    expect(audit.rows).toContainEqual({ actor: 'bootstrap-admin', action: 'metric.define' });
  });

  // Over GraphQL an omitted bound arrives as undefined and an explicit one as null: neither may reach the catalog as a bound.
  it.each<[string, string, { above?: number; below?: number | null }]>([
    ['only above', 'alert.above_only', { above: 2000 }],
    ['only below', 'alert.below_only', { below: 5 }],
    ['above and below null', 'alert.below_null', { above: 2000, below: null }],
  ])('defines a metric whose alert has %s, stored as given', async (_name, name, alert) => {
    const response = await api.gql<{ defineMetric: { alert: Record<string, number | null> } }>(
      `mutation($input: MetricInput!) { defineMetric(input: $input) { name alert { above below } } }`,
      { input: measured(name, { alert }) },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.defineMetric.alert).toEqual({ above: alert.above ?? null, below: alert.below ?? null });
    const stored = await api.db.pool.query(`SELECT definition->'alert' AS alert FROM metric_definitions WHERE name = $1`, [name]);
    expect(stored.rows[0].alert).toEqual(Object.fromEntries(Object.entries(alert).filter(([, bound]) => bound !== null)));
  });

  it('answers metrics and metric(name)', async () => {
    const response = await api.gql<{ metrics: Array<{ name: string }>; metric: { name: string; owner: string } | null; missing: unknown }>(
      `{ metrics { name } metric(name: "checkout.latency") { name owner } missing: metric(name: "no.such") { name } }`,
      {},
      viewerToken,
    );
    expect(response.data?.metrics.map((metric) => metric.name)).toContain('checkout.latency');
    expect(response.data?.metric).toEqual({ name: 'checkout.latency', owner: 'payments' });
    expect(response.data?.missing).toBeNull();
  });

  it.each([
    ['a measured metric without an owner', measured('bad.no_owner', { owner: null })],
    ['an unknown type', measured('bad.type', { type: 'histogramm' })],
    ['a bad metric name', measured('Bad Name')],
    ['an expiry beyond the horizon', measured('bad.expiry', { expires: '2099-01-01' })],
    ['a derived metric reading an unknown metric', { name: 'bad.derived', type: 'derived', formula: 'sum(no.such) / 2' }],
    ['a formula that does not parse', { name: 'bad.formula', type: 'derived', formula: 'sum(checkout.latency) +' }],
  ])('refuses %s with BAD_USER_INPUT naming the problem, storing and publishing nothing', async (_name, input) => {
    const response = await api.gql(DEFINE, { input });
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    const issues = response.errors?.[0]?.extensions?.['issues'] as Array<{ message: string }> | undefined;
    expect(issues?.length ?? 0).toBeGreaterThan(0);
    const stored = await api.db.pool.query(`SELECT 1 FROM metric_definitions WHERE name = $1`, [input.name]);
    expect(stored.rowCount).toBe(0);
  });

  it('retires a metric with a catalog.v1 tombstone, and refuses while a derived metric reads it', async () => {
    expect((await api.gql(DEFINE, { input: measured('orders.count', { type: 'counter', unit: 'orders' }) })).errors).toBeUndefined();
    expect((await api.gql(DEFINE, { input: { name: 'orders.rate', type: 'derived', formula: 'rate(orders.count)' } })).errors).toBeUndefined();
    const refused = await api.gql(`mutation { retireMetric(name: "orders.count") { name } }`);
    expect(codes(refused)).toEqual(['BAD_USER_INPUT']);

    const retiredDerived = await api.gql<{ retireMetric: { name: string; retiredAt: string | null } }>(`mutation { retireMetric(name: "orders.rate") { name retiredAt } }`);
    expect(retiredDerived.data?.retireMetric.retiredAt).not.toBeNull();
    const retired = await api.gql<{ retireMetric: { retiredAt: string | null } }>(`mutation { retireMetric(name: "orders.count") { retiredAt } }`);
    expect(retired.data?.retireMetric.retiredAt).not.toBeNull();
    const messages = await readTopic(api.kafka, api.topics.catalog, (read) => read.some((message) => message.key === 'orders.count' && message.value === null));
    expect(messages.filter((message) => message.key === 'orders.count').map((message) => message.value === null)).toEqual([false, true]);
    const list = await api.gql<{ metrics: Array<{ name: string }> }>(`{ metrics { name } }`);
    expect(list.data?.metrics.map((metric) => metric.name)).not.toContain('orders.count');
    expect(codes(await api.gql(`mutation { retireMetric(name: "never.defined") { name } }`))).toEqual(['NOT_FOUND']);
  });
});

describe('series', () => {
  const METRIC = 'series.latency';
  beforeAll(async () => {
    const rows1m = [];
    for (let minute = 0; minute < 120; minute += 1) {
      for (const [region, base] of [['eu', 100], ['us', 200]] as const) {
        rows1m.push({ at: T0 + minute * MINUTE, region, count: 10, sum: 10 * base, min: base - 5, max: base + 5, p50: base, p95: base + 3, p99: base + 4 });
      }
    }
    await seedRollups('rollups_1m', METRIC, rows1m);
    // The hourly job's view of the same data: 60 one-minute buckets per hour.
    const rows1h = [0, 1].flatMap((hour) =>
      (['eu', 'us'] as const).map((region) => {
        const base = region === 'eu' ? 100 : 200;
        return { at: T0 + hour * HOUR, region, count: 600, sum: 600 * base, min: base - 5, max: base + 5, p50: base, p95: base + 3, p99: base + 4 };
      }),
    );
    await seedRollups('rollups_1h', METRIC, rows1h);
  });

  const SERIES = `query($metric: String!, $from: DateTime!, $to: DateTime!, $step: String, $groupBy: [String!], $where: [AttributeFilter!]) {
    series(metric: $metric, from: $from, to: $to, step: $step, groupBy: $groupBy, where: $where) {
      group points { t count sum min max avg p50 p95 p99 value }
    }
  }`;
  type SeriesData = { series: Array<{ group: Record<string, string | null>; points: Array<Record<string, number | string | null>> }> };
  const range = { from: new Date(T0).toISOString(), to: new Date(T0 + 2 * HOUR).toISOString() };

  it('answers 1-minute points per group from rollups_1m', async () => {
    const response = await api.gql<SeriesData>(SERIES, { metric: METRIC, ...range, step: '1m', groupBy: ['region'] }, viewerToken);
    expect(response.errors).toBeUndefined();
    const series = response.data?.series ?? [];
    expect(series.map((one) => one.group)).toEqual([{ region: 'eu' }, { region: 'us' }]);
    expect(series[0]?.points).toHaveLength(120);
    expect(series[0]?.points[0]).toEqual({ t: new Date(T0).toISOString(), count: 10, sum: 1000, min: 95, max: 105, avg: 100, p50: 100, p95: 103, p99: 104, value: null });
  });

  it('merges buckets for coarser steps: exact count/sum/min/max, weighted p50, max p95/p99', async () => {
    const response = await api.gql<SeriesData>(SERIES, { metric: METRIC, ...range, step: '5m' }, viewerToken);
    const [all] = response.data?.series ?? [];
    expect(all?.group).toEqual({});
    expect(all?.points).toHaveLength(24);
    expect(all?.points[0]).toMatchObject({ count: 100, sum: 15_000, min: 95, max: 205, avg: 150, p50: 150, p95: 203, p99: 204 });
  });

  it('serves whole-hour steps from rollups_1h', async () => {
    await api.db.pool.query(`UPDATE rollups_1h SET sum = sum + 1 WHERE metric = $1`, [METRIC]);
    const response = await api.gql<SeriesData>(SERIES, { metric: METRIC, ...range, step: '1h', groupBy: ['region'] }, viewerToken);
    expect(response.data?.series[0]?.points.map((point) => point.sum)).toEqual([60_001, 60_001]);
    await api.db.pool.query(`UPDATE rollups_1h SET sum = sum - 1 WHERE metric = $1`, [METRIC]);
  });

  it.each([
    ['EQ', 'eu', ['eu']],
    ['NEQ', 'eu', ['us']],
    ['IN', 'eu,us', ['eu', 'us']],
    ['PREFIX', 'u', ['us']],
  ])('filters where region %s %s', async (op, value, regions) => {
    const response = await api.gql<SeriesData>(SERIES, { metric: METRIC, ...range, step: '1h', groupBy: ['region'], where: [{ key: 'region', op, value }] }, viewerToken);
    expect(response.data?.series.map((one) => one.group['region'])).toEqual(regions);
  });

  it('evaluates derived metrics with libs/formula over the merged inputs', async () => {
    expect((await api.gql(DEFINE, { input: measured(METRIC) })).errors).toBeUndefined();
    expect((await api.gql(DEFINE, { input: { name: 'series.latency_seconds', type: 'derived', formula: 'avg(series.latency) / 1000' } })).errors).toBeUndefined();
    const response = await api.gql<SeriesData>(SERIES, { metric: 'series.latency_seconds', ...range, step: '1h', groupBy: ['region'] }, viewerToken);
    expect(response.errors).toBeUndefined();
    expect(response.data?.series.map((one) => [one.group['region'], one.points.map((point) => point.value)])).toEqual([
      ['eu', [0.1, 0.1]],
      ['us', [0.2, 0.2]],
    ]);
  });

  it.each([
    ['a quote in groupBy', { groupBy: ["region'"] }],
    ['a statement in groupBy', { groupBy: ['region; DROP TABLE rollups_1m'] }],
    ['a JSON path in groupBy', { groupBy: ['{region}'] }],
    ['an operator in groupBy', { groupBy: ["attributes->>'region'"] }],
    ['a JSON path in a where key', { where: [{ key: '$.region', op: 'EQ', value: 'eu' }] }],
    ['a statement in a where key', { where: [{ key: "region' OR '1'='1", op: 'EQ', value: 'eu' }] }],
    ['a bad step', { step: "1m'); DROP TABLE rollups_1m; --" }],
  ])('refuses %s with BAD_USER_INPUT and no SQL in the answer', async (_name, change) => {
    const response = await api.gql<SeriesData>(SERIES, { metric: METRIC, ...range, step: '1h', ...change }, viewerToken);
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
    expect(response.raw).not.toMatch(/SELECT|syntax error|at character|rollups_1m WHERE|stack/i);
  });

  it.each([
    ["eu' OR '1'='1"],
    ["eu'; DROP TABLE rollups_1m; --"],
    ['eu" OR 1=1 --'],
    ['%'],
    ['_'],
    ['{"region": "eu"}'],
  ])('treats the where value %j as a literal (no rows, nothing dropped)', async (value) => {
    for (const op of ['EQ', 'PREFIX', 'IN']) {
      const response = await api.gql<SeriesData>(SERIES, { metric: METRIC, ...range, step: '1h', groupBy: ['region'], where: [{ key: 'region', op, value }] }, viewerToken);
      expect(response.errors).toBeUndefined();
      expect(response.data?.series).toEqual([]);
    }
    const still = await api.db.pool.query(`SELECT count(*)::int AS n FROM rollups_1m WHERE metric = $1`, [METRIC]);
    expect(still.rows[0].n).toBe(240);
  });

  it('refuses a range that would answer too many points', async () => {
    const response = await api.gql(SERIES, { metric: METRIC, from: new Date(T0 - 60 * 24 * HOUR).toISOString(), to: range.to, step: '1m' }, viewerToken);
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('anomalies and incidents', () => {
  let incidentId: string;
  beforeAll(async () => {
    const { rows } = await api.db.pool.query(
      `INSERT INTO incidents (metric, series, severity, opened_at, last_anomaly_at, anomaly_count, max_score)
       VALUES ('checkout.latency', 'region=eu', 'critical', $1, $2, 5, 0.99), ('checkout.latency', 'region=us', 'warning', $3, $3, 1, 0.7)
       RETURNING id::text AS id`,
      [new Date(T0).toISOString(), new Date(T0 + 4 * MINUTE).toISOString(), new Date(T0 + HOUR).toISOString()],
    );
    incidentId = rows[0].id;
    const values: unknown[] = [];
    const tuples = Array.from({ length: 5 }, (_, index) => {
      values.push(`a-${index}`, new Date(T0 + index * MINUTE).toISOString(), 1000 + index, incidentId);
      const base = index * 4;
      return `($${base + 1}, 'checkout.latency', 'region=eu', $${base + 2}, $${base + 3}, 120, 0.9, 'spike', 'critical', $${base + 4}::uuid)`;
    });
    await api.db.pool.query(
      `INSERT INTO anomalies (id, metric, series, at, value, expected, score, detector, severity, incident_id) VALUES ${tuples.join(', ')}`,
      values,
    );
  });

  const PAGE = `query($first: Int, $after: String) { anomalies(metric: "checkout.latency", first: $first, after: $after) {
    edges { cursor node { id value incident { id status } } } pageInfo { hasNextPage endCursor } } }`;
  type Page = { anomalies: { edges: Array<{ cursor: string; node: { id: string; incident: { id: string } | null } }>; pageInfo: { hasNextPage: boolean; endCursor: string | null } } };

  it('pages anomalies newest first with opaque cursors, resolving incidents in one batch', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const response: GraphqlResponse<Page> = await api.gql<Page>(PAGE, { first: 2, after }, viewerToken);
      expect(response.errors).toBeUndefined();
      const connection = response.data?.anomalies;
      seen.push(...(connection?.edges.map((edge) => edge.node.id) ?? []));
      expect(connection?.edges.every((edge) => edge.node.incident?.id === incidentId)).toBe(true);
      pages += 1;
      if (!connection?.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(['a-4', 'a-3', 'a-2', 'a-1', 'a-0']);
    expect(pages).toBe(3);
  });

  it('filters anomalies by time range', async () => {
    const response = await api.gql<Page>(
      `query($from: DateTime, $to: DateTime) { anomalies(from: $from, to: $to) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`,
      { from: new Date(T0 + MINUTE).toISOString(), to: new Date(T0 + 3 * MINUTE).toISOString() },
      viewerToken,
    );
    expect(response.data?.anomalies.edges.map((edge) => edge.node.id)).toEqual(['a-2', 'a-1']);
  });

  it.each([['garbage'], [Buffer.from('["c1","x","y"]').toString('base64url')], ["'; DROP TABLE anomalies; --"]])('refuses the cursor %j with BAD_USER_INPUT', async (after) => {
    expect(codes(await api.gql(PAGE, { first: 2, after }, viewerToken))).toEqual(['BAD_USER_INPUT']);
  });

  it('lists incidents by status and moves one through acknowledged to resolved, audited', async () => {
    const open = await api.gql<{ incidents: { edges: Array<{ node: { id: string; status: string } }> } }>(`{ incidents(status: OPEN) { edges { node { id status } } } }`, {}, viewerToken);
    expect(open.data?.incidents.edges.map((edge) => edge.node.status)).toEqual(['OPEN', 'OPEN']);

    const acknowledged = await api.gql<{ acknowledgeIncident: { status: string; acknowledgedAt: string | null } }>(
      `mutation($id: ID!) { acknowledgeIncident(id: $id) { status acknowledgedAt } }`,
      { id: incidentId },
    );
    expect(acknowledged.data?.acknowledgeIncident.status).toBe('ACKNOWLEDGED');
    expect(acknowledged.data?.acknowledgeIncident.acknowledgedAt).not.toBeNull();
    const resolved = await api.gql<{ resolveIncident: { status: string } }>(`mutation($id: ID!) { resolveIncident(id: $id) { status } }`, { id: incidentId });
    expect(resolved.data?.resolveIncident.status).toBe('RESOLVED');
    expect(codes(await api.gql(`mutation($id: ID!) { acknowledgeIncident(id: $id) { status } }`, { id: incidentId }))).toEqual(['BAD_USER_INPUT']);

    const row = await api.db.pool.query(`SELECT status, resolved_at FROM incidents WHERE id = $1`, [incidentId]);
    expect(row.rows[0].status).toBe('resolved');
    const audit = await api.db.pool.query(`SELECT action, details->>'to' AS "to" FROM audit_log WHERE target = $1 ORDER BY id`, [incidentId]);
    expect(audit.rows).toEqual([
      { action: 'incident.acknowledge', to: 'acknowledged' },
      { action: 'incident.resolve', to: 'resolved' },
      // The refused acknowledgement wrote nothing: its transaction rolled back.
    ]);
  });

  it.each([[randomUUID()], ['not-a-uuid']])('answers NOT_FOUND for the unknown incident %s', async (id) => {
    expect(codes(await api.gql(`mutation($id: ID!) { resolveIncident(id: $id) { id } }`, { id }))).toEqual(['NOT_FOUND']);
  });
});

describe('sources', () => {
  it('creates a source (key shown once, stored hashed), lists and revokes it, audited', async () => {
    const created = await api.gql<{ createSource: { apiKey: string; source: { id: string; name: string } } }>(
      `mutation { createSource(name: "checkout-web") { apiKey source { id name } } }`,
    );
    expect(created.errors).toBeUndefined();
    const { apiKey, source } = created.data?.createSource ?? { apiKey: '', source: { id: '', name: '' } };
    expect(apiKey.length).toBeGreaterThan(20);
    const stored = await api.db.pool.query(`SELECT key_hash FROM sources WHERE id = $1`, [source.id]);
    expect(stored.rows[0].key_hash).not.toContain(apiKey);

    const listed = await api.gql<{ sources: Array<{ id: string; revokedAt: string | null }> }>(`{ sources { id revokedAt } }`, {}, viewerToken);
    expect(listed.data?.sources).toContainEqual({ id: source.id, revokedAt: null });
    const revoked = await api.gql<{ revokeSource: { revokedAt: string | null } }>(`mutation($id: ID!) { revokeSource(id: $id) { revokedAt } }`, { id: source.id });
    expect(revoked.data?.revokeSource.revokedAt).not.toBeNull();
    const audit = await api.db.pool.query(`SELECT action FROM audit_log WHERE target = $1 ORDER BY id`, [source.id]);
    expect(audit.rows.map((row) => row.action)).toEqual(['source.create', 'source.revoke']);
    expect(codes(await api.gql(`mutation { createSource(name: "checkout-web") { apiKey } }`))).toEqual(['BAD_USER_INPUT']);
  });
});

describe('consent and erasure', () => {
  it('records consent under the pseudonym, in the table and on consent.v1, and reads it back', async () => {
    const subjectId = `user-${randomUUID()}`;
    const pseudonym = expectedPseudonym(subjectId);
    const recorded = await api.gql<{ recordConsent: { subject: string; purposes: Array<{ purpose: string; granted: boolean }> } }>(
      `mutation($subjectId: String!) { recordConsent(subjectId: $subjectId, purposes: [{ purpose: "performance", granted: true }, { purpose: "marketing", granted: false }]) { subject purposes { purpose granted } } }`,
      { subjectId },
    );
    expect(recorded.errors).toBeUndefined();
    expect(recorded.data?.recordConsent.subject).toBe(pseudonym);
    await api.gql(`mutation($subjectId: String!) { recordConsent(subjectId: $subjectId, purposes: [{ purpose: "marketing", granted: true }]) { subject } }`, { subjectId });

    const row = await api.db.pool.query(`SELECT purposes FROM consents WHERE subject = $1`, [pseudonym]);
    expect(row.rows[0].purposes).toEqual({ performance: true, marketing: true });
    const messages = await readTopic(api.kafka, api.topics.consent, (read) => read.filter((message) => message.key === pseudonym).length >= 2);
    const latest = messages.filter((message) => message.key === pseudonym).at(-1);
    expect(JSON.parse(latest?.value ?? 'null')).toMatchObject({ subject: pseudonym, purposes: { performance: true, marketing: true } });

    const read = await api.gql<{ consent: { subject: string; purposes: Array<{ purpose: string; granted: boolean }> } | null }>(
      `query($subjectId: String!) { consent(subjectId: $subjectId) { subject purposes { purpose granted } } }`,
      { subjectId },
      viewerToken,
    );
    expect(read.data?.consent?.purposes).toEqual([{ purpose: 'marketing', granted: true }, { purpose: 'performance', granted: true }]);
    const audit = await api.db.pool.query(`SELECT details::text AS details, target FROM audit_log WHERE action = 'consent.record'`);
    expect(audit.rows.every((entry) => entry.target === pseudonym || !entry.details.includes(subjectId))).toBe(true);
    expect(audit.rows.some((entry) => entry.details.includes(subjectId))).toBe(false);
  });

  it('answers null for a subject without consent', async () => {
    const read = await api.gql<{ consent: unknown }>(`{ consent(subjectId: "nobody") { subject } }`, {}, viewerToken);
    expect(read.errors).toBeUndefined();
    expect(read.data?.consent).toBeNull();
  });

  it('erases a subject: its data_points and consent deleted, a consent.v1 tombstone, the request completed and audited', async () => {
    const subjectId = `user-${randomUUID()}`;
    const pseudonym = expectedPseudonym(subjectId);
    await api.gql(`mutation($subjectId: String!) { recordConsent(subjectId: $subjectId, purposes: [{ purpose: "performance", granted: true }]) { subject } }`, { subjectId });
    await api.db.pool.query(
      `INSERT INTO data_points (time, metric, value, subject, source_id, event_id, received_at) VALUES (now(), 'checkout.latency', 1, $1, 's', $2, now()), (now(), 'checkout.latency', 2, 'someone-else', 's', $3, now())`,
      [pseudonym, randomUUID(), randomUUID()],
    );
    const response = await api.gql<{ requestErasure: { id: string; subject: string; status: string; deletedRows: Record<string, number>; alreadyErased: boolean } }>(
      `mutation($subjectId: String!) { requestErasure(subjectId: $subjectId) { id subject status deletedRows alreadyErased } }`,
      { subjectId },
    );
    expect(response.errors).toBeUndefined();
    expect(response.data?.requestErasure).toMatchObject({ subject: pseudonym, status: 'completed', deletedRows: { data_points: 1, consents: 1 }, alreadyErased: false });
    const left = await api.db.pool.query(`SELECT (SELECT count(*)::int FROM data_points WHERE subject = $1) AS points, (SELECT count(*)::int FROM consents WHERE subject = $1) AS consents, (SELECT count(*)::int FROM data_points WHERE subject = 'someone-else') AS others`, [pseudonym]);
    expect(left.rows[0]).toEqual({ points: 0, consents: 0, others: 1 });
    const request = await api.db.pool.query(`SELECT status FROM erasure_requests WHERE id = $1`, [response.data?.requestErasure.id]);
    expect(request.rows[0].status).toBe('completed');
    const messages = await readTopic(api.kafka, api.topics.consent, (read) => read.some((message) => message.key === pseudonym && message.value === null));
    expect(messages.filter((message) => message.key === pseudonym).at(-1)?.value).toBeNull();
    const again = await api.gql<{ requestErasure: { alreadyErased: boolean; status: string } }>(
      `mutation($subjectId: String!) { requestErasure(subjectId: $subjectId) { status alreadyErased } }`,
      { subjectId },
    );
    expect(again.data?.requestErasure).toEqual({ status: 'completed', alreadyErased: true });
    const audit = await api.db.pool.query(`SELECT actor, details->>'alreadyErased' AS again FROM audit_log WHERE action = 'subject.erase' AND target = $1 ORDER BY id`, [pseudonym]);
    expect(audit.rows).toEqual([{ actor: 'bootstrap-admin', again: null }, { actor: 'bootstrap-admin', again: 'true' }]);
    const read = await api.gql<{ consent: unknown }>(`query($subjectId: String!) { consent(subjectId: $subjectId) { subject } }`, { subjectId }, viewerToken);
    expect(read.data?.consent).toBeNull();
  });

  it.each([['an unknown purpose shape', 'Performance!'], ['an empty purpose', ''], ['purpose none', 'none']])('refuses %s', async (_name, purpose) => {
    const response = await api.gql(`mutation($p: String!) { recordConsent(subjectId: "s", purposes: [{ purpose: $p, granted: true }]) { subject } }`, { p: purpose });
    expect(codes(response)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('patterns', () => {
  it('mines the deviating segment of a metric with the processor\'s functions', async () => {
    const rows = [];
    for (let hour = 0; hour < 24; hour += 1) {
      const regions = [...['eu', 'us', 'sa', 'af', 'me', 'oc', 'ca', 'mx', 'in'].map((region) => [region, 10] as const), ['ap', 60] as const];
      for (const [region, errors] of regions) {
        rows.push({ at: T0 - 24 * HOUR + hour * HOUR, region, count: 100, sum: errors, min: 0, max: 1, p50: 0, p95: 1, p99: 1 });
      }
    }
    await seedRollups('rollups_1h', 'checkout.failed', rows);
    const response = await api.gql<{ patterns: Array<{ kind: string; subject: Record<string, unknown>; strength: number }> }>(
      `query($from: DateTime!, $to: DateTime!) { patterns(metric: "checkout.failed", from: $from, to: $to) { kind subject strength support details } }`,
      { from: new Date(T0 - 24 * HOUR).toISOString(), to: new Date(T0).toISOString() },
      viewerToken,
    );
    expect(response.errors).toBeUndefined();
    const first = response.data?.patterns[0];
    expect(first).toMatchObject({ kind: 'segment', subject: { attribute: 'region', value: 'ap' } });
    expect(first?.strength).toBeGreaterThan(0.5);
  });
});

describe('query limits and error hygiene', () => {
  it('runs queries within the default limits, fragments and inline fragments included', async () => {
    const response = await api.gql(
      `{ a: anomalies { edges { node { incident { id } } } } ...F } fragment F on Query { anomalies { edges { node { ... on Anomaly { incident { id } } } } } }`,
      {},
      viewerToken,
    );
    expect(response.errors).toBeUndefined();
  });

  it('refuses depth beyond API_MAX_QUERY_DEPTH and complexity beyond API_MAX_QUERY_COMPLEXITY before running anything (HTTP and ws); serves a dashboard build', async () => {
    const dashboardDir = mkdtempSync(join(tmpdir(), 'api-dashboard-'));
    writeFileSync(join(dashboardDir, 'index.html'), '<!doctype html><title>dashboard-test-marker</title>');
    writeFileSync(join(dashboardDir, 'app.js'), 'console.log(1);');
    const limited = await startApiHarness({ API_MAX_QUERY_DEPTH: '2', API_MAX_QUERY_COMPLEXITY: '300', API_DASHBOARD_DIR: dashboardDir });
    try {
      const deep = await limited.gql(`{ anomalies { edges { node { incident { id } } } } }`);
      expect(codes(deep)).toEqual(['BAD_USER_INPUT']);
      expect(deep.errors?.[0]?.extensions).toMatchObject({ depth: 5, maxDepth: 2 });
      expect(deep.status).toBe(400);
      // Each series costs 50 plus its fields: seven of them (aliased) are over 300, two levels deep only.
      const aliases = Array.from({ length: 7 }, (_, i) => `s${i}: series(metric: "x", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { group }`);
      const complex = await limited.gql(`{ ${aliases.join(' ')} }`);
      expect(codes(complex)).toEqual(['BAD_USER_INPUT']);
      expect(complex.errors?.[0]?.extensions?.['maxComplexity']).toBe(300);
      const fine = await limited.gql(`{ ${aliases.slice(0, 2).join(' ')} metrics { name } }`);
      expect(fine.errors).toBeUndefined();

      // The same depth rule over graphql-ws.
      const refusal = await new Promise<unknown>((resolve) => {
        limited.wsClient(ADMIN_TOKEN).subscribe(
          { query: `subscription { anomalyDetected { incident { id } } }` },
          { next: () => resolve('data'), error: (error) => resolve(error), complete: () => resolve('complete') },
        );
      });
      expect(refusal).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', depth: 3, maxDepth: 2 }) })]);

      // The dashboard hook: its build is served at / (its routes live in the location hash), /graphql is untouched.
      const index = await fetch(`${limited.app.url}/`);
      expect(await index.text()).toContain('dashboard-test-marker');
      const asset = await fetch(`${limited.app.url}/app.js`);
      expect(await asset.text()).toBe('console.log(1);');
      expect((await fetch(`${limited.app.url}/nothing.json`)).status).toBe(404);
    } finally {
      await limited.close();
    }
  });

  it('masks an unexpected failure (here a missing table) as INTERNAL_SERVER_ERROR without SQL or stack', async () => {
    await api.db.pool.query('ALTER TABLE sources RENAME TO sources_moved');
    try {
      const response = await api.gql(`{ sources { id } }`, {}, viewerToken);
      expect(codes(response)).toEqual(['INTERNAL_SERVER_ERROR']);
      expect(response.errors?.[0]?.message).toBe('Internal server error');
      expect(response.raw).not.toMatch(/relation|sources_moved|SELECT|stack|\.ts/);
    } finally {
      await api.db.pool.query('ALTER TABLE sources_moved RENAME TO sources');
    }
  });

  it('answers syntax and validation errors with their codes and no stack trace', async () => {
    const syntax = await api.gql(`{ metrics { name `, {}, viewerToken);
    expect(codes(syntax)).toEqual(['GRAPHQL_PARSE_FAILED']);
    const unknown = await api.gql(`{ metrics { password } }`, {}, viewerToken);
    expect(codes(unknown)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    const badVariable = await api.gql(`query($from: DateTime!) { series(metric: "x", from: $from, to: $from) { group } }`, { from: 'yesterday' }, viewerToken);
    expect(codes(badVariable)).toEqual(['BAD_USER_INPUT']);
    for (const response of [syntax, unknown, badVariable]) expect(response.raw).not.toMatch(/stacktrace|\.ts:\d+|at [A-Za-z]+ \(/);
  });
});

describe('ops endpoints on the API port', () => {
  it.each([
    ['/healthz', 200, '"ok"'],
    ['/readyz', 200, '"ready"'],
    ['/metrics', 200, 'telemetry_api_auth_failures_total'],
  ])('GET %s answers %i', async (path, status, fragment) => {
    const response = await fetch(`${api.app.url}${path}`);
    expect(response.status).toBe(status);
    expect(await response.text()).toContain(fragment);
  });
});

describe('anomalyDetected subscription over graphql-ws', () => {
  it('delivers anomalies published to anomalies.v1, filtered by metric', async () => {
    // The anomaly service stores each anomaly with its incident; the stream carries no incident, the table does.
    const { rows } = await api.db.pool.query(
      `INSERT INTO incidents (metric, series, severity, opened_at, last_anomaly_at) VALUES ('sub.latency', 'region=eu', 'critical', now(), now()) RETURNING id::text AS id`,
    );
    const incidentId: string = rows[0].id;
    await api.db.pool.query(
      `INSERT INTO anomalies (id, metric, series, at, value, expected, score, detector, severity, incident_id)
       SELECT 's-' || n, 'sub.latency', 'region=eu', now(), 5000, 120, 0.97, 'spike', 'critical', $1::uuid FROM generate_series(1, 100) n`,
      [incidentId],
    );
    const client = api.wsClient(viewerToken);
    const received: Array<{ id: string; metric: string; score: number; incident: { id: string } | null }> = [];
    const dispose = client.subscribe<{ anomalyDetected: { id: string; metric: string; score: number; incident: { id: string } | null } }>(
      { query: `subscription { anomalyDetected(metric: "sub.latency") { id metric score at incident { id } } }` },
      {
        next: (result) => {
          if (result.data) received.push(result.data.anomalyDetected);
        },
        error: (error) => {
          throw error instanceof Error ? error : new Error(JSON.stringify(error));
        },
        complete: () => undefined,
      },
    );
    const producer = await BatchProducer.connect(api.kafka);
    try {
      const record = (metric: string, id: string) => ({
        key: `${metric}|region=eu`,
        value: JSON.stringify({ id, metric, series: 'region=eu', at: new Date().toISOString(), value: 5000, expected: 120, score: 0.97, detector: 'spike', severity: 'critical' }),
      });
      // The subscription starts at the latest offset once its operation is registered: publish until it is live.
      let attempt = 0;
      await waitFor(async () => {
        attempt += 1;
        await producer.send([{ topic: api.topics.anomalies, messages: [record('other.metric', `o-${attempt}`), record('sub.latency', `s-${attempt}`)] }]);
        await new Promise((resolve) => setTimeout(resolve, 300));
        return received.length > 0 ? true : undefined;
      }, 20_000, 10);
      expect(received.every((anomaly) => anomaly.metric === 'sub.latency')).toBe(true);
      expect(received[0]).toMatchObject({ metric: 'sub.latency', score: 0.97, incident: { id: incidentId } });
    } finally {
      dispose();
      await producer.disconnect();
    }
  });

  it('closes a connection without a valid token', async () => {
    const client = api.wsClient('tlm_wrong');
    const outcome = await new Promise<string>((resolve) => {
      client.on('closed', (event) => resolve(String((event as { code?: number }).code)));
      client.subscribe({ query: `subscription { anomalyDetected { id } }` }, { next: () => resolve('data'), error: () => undefined, complete: () => undefined });
    });
    expect(outcome).toBe('4403');
  });
});

it('keeps the bootstrap admin token usable while stored tokens are added', async () => {
  expect((await api.gql('{ metrics { name } }', {}, ADMIN_TOKEN)).errors).toBeUndefined();
});

describe("the API's PostgreSQL sessions", () => {
  const plannerCost = async (harness: ApiHarness) => {
    const pool = harness.app.nest.get<Pool>(PG_POOL);
    const { rows } = await pool.query<{ random_page_cost: string }>('SHOW random_page_cost');
    return rows[0]?.random_page_cost;
  };

  it('price random reads for cached or SSD-backed rollups by default', async () => {
    expect(await plannerCost(api)).toBe('1.1');
  });

  it('start without options when API_PG_SESSION_OPTIONS is none (for a pooler that refuses them)', async () => {
    const plain = await startApiHarness({ API_PG_SESSION_OPTIONS: 'none' });
    try {
      expect(await plannerCost(plain)).toBe('4');
      expect((await plain.gql('{ metrics { name } }')).errors).toBeUndefined();
    } finally {
      await plain.close();
    }
  });
});
