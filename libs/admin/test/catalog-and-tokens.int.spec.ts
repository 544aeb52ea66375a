import { BatchProducer, type TopicNames } from '@telemetry/kafka';
import { createTestDatabase, createTestTopics, readTopic, testKafka, type TestDatabase } from '@telemetry/test-support';
import type { MetricDefinition } from '@telemetry/contracts';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricNotFoundError, applyMetricDefinition, createToken, listTokens, retireMetric, revokeToken, verifyToken, type CatalogAdminDeps } from '../src';

let db: TestDatabase;
let kafka: Kafka;
let topics: TopicNames;
let producer: BatchProducer;
let deps: CatalogAdminDeps;

const expires = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
const gauge = (name: string, extra: Partial<MetricDefinition> = {}): MetricDefinition => ({
  name,
  type: 'gauge',
  unit: 'ms',
  description: 'A gauge.',
  owner: 'team',
  hypothesis: 'It matters.',
  action: 'Act on it.',
  purpose: 'none',
  expires,
  attributes: ['region'],
  ...extra,
});

beforeAll(async () => {
  db = await createTestDatabase();
  kafka = testKafka();
  ({ topics } = await createTestTopics(kafka, 1));
  producer = await BatchProducer.connect(kafka, { retries: 1 });
  deps = { pool: db.pool, producer, catalogTopic: topics.catalog };
});

afterAll(async () => {
  await producer?.disconnect();
  await db?.drop();
});

describe('applyMetricDefinition / retireMetric', () => {
  it('stores, versions and publishes a definition, auditing which fields changed', async () => {
    const first = await applyMetricDefinition(deps, gauge('queue.depth'), 'cli:test');
    const second = await applyMetricDefinition(deps, gauge('queue.depth', { unit: 'items', attributes: ['region', 'queue'] }), 'cli:test');
    expect([first.version, second.version]).toEqual([1, 2]);
    expect(second.definition).toMatchObject({ unit: 'items', attributes: ['region', 'queue'] });
    const audit = await db.pool.query(`SELECT actor, details FROM audit_log WHERE action = 'metric.define' AND target = 'queue.depth' ORDER BY id`);
    expect(audit.rows.map((row) => row.details)).toEqual([
      { created: true, revived: false, changedFields: [] },
      { created: false, revived: false, changedFields: ['attributes', 'unit'] },
    ]);
    const messages = await readTopic(kafka, topics.catalog, (read) => read.filter((message) => message.key === 'queue.depth').length >= 2);
    expect(messages.filter((message) => message.key === 'queue.depth').map((message) => JSON.parse(message.value ?? 'null').unit)).toEqual(['ms', 'items']);
  });

  it('commits nothing when catalog.v1 cannot be written (the row never runs ahead of the topic)', async () => {
    const unpublishable = { ...deps, catalogTopic: `${topics.catalog}.missing` };
    await expect(applyMetricDefinition(unpublishable, gauge('never.published'), 'cli:test')).rejects.toThrow();
    const rows = await db.pool.query(`SELECT (SELECT count(*)::int FROM metric_definitions WHERE name = 'never.published') AS defs, (SELECT count(*)::int FROM audit_log WHERE target = 'never.published') AS audits`);
    expect(rows.rows[0]).toEqual({ defs: 0, audits: 0 });
  });

  it('retires with a tombstone, audits a repeated retirement, and revives on redefinition', async () => {
    await applyMetricDefinition(deps, gauge('disk.free'), 'cli:test');
    const retired = await retireMetric(deps, 'disk.free', 'cli:test');
    expect(retired.retiredAt).not.toBeNull();
    const again = await retireMetric(deps, 'disk.free', 'cli:test');
    expect(again.version).toBe(retired.version);
    const revived = await applyMetricDefinition(deps, gauge('disk.free'), 'cli:test');
    expect(revived.retiredAt).toBeNull();
    const audit = await db.pool.query(`SELECT action, details FROM audit_log WHERE target = 'disk.free' ORDER BY id`);
    expect(audit.rows.map((row) => [row.action, row.details['alreadyRetired'] ?? row.details['revived'] ?? null])).toEqual([
      ['metric.define', false],
      ['metric.retire', null],
      ['metric.retire', true],
      ['metric.define', true],
    ]);
    const messages = await readTopic(kafka, topics.catalog, (read) => read.filter((message) => message.key === 'disk.free').length >= 3);
    expect(messages.filter((message) => message.key === 'disk.free').map((message) => message.value === null)).toEqual([false, true, false]);
    await expect(retireMetric(deps, 'no.such.metric', 'cli:test')).rejects.toBeInstanceOf(MetricNotFoundError);
  });
});

describe('API tokens', () => {
  it('verifies a created token by its hash until it is revoked', async () => {
    const created = await createToken(db.pool, { name: 'ci', role: 'viewer' }, 'bootstrap-admin');
    expect(await verifyToken(db.pool, created.token)).toMatchObject({ id: created.id, name: 'ci', role: 'viewer' });
    expect(await verifyToken(db.pool, `${created.token}x`)).toBeNull();
    expect(await revokeToken(db.pool, created.id, 'bootstrap-admin')).toBe(true);
    expect(await revokeToken(db.pool, created.id, 'bootstrap-admin')).toBe(false);
    expect(await revokeToken(db.pool, 'not-a-uuid', 'bootstrap-admin')).toBe(false);
    expect(await verifyToken(db.pool, created.token)).toBeNull();
    const listed = await listTokens(db.pool);
    expect(listed.find((token) => token.id === created.id)?.revokedAt).not.toBeNull();
    const stored = await db.pool.query(`SELECT token_hash FROM api_tokens WHERE id = $1`, [created.id]);
    expect(stored.rows[0].token_hash).not.toContain(created.token);
  });
});
