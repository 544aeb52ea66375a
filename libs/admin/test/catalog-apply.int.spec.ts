import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseCatalogOrThrow, type Catalog } from '@telemetry/catalog';
import type { MetricDefinition } from '@telemetry/contracts';
import { BatchProducer, startCatalogClient, type TopicNames } from '@telemetry/kafka';
import {
  TEST_KAFKA_CONFIG,
  createTestDatabase,
  createTestTopics,
  readTopic,
  testKafka,
  type ReadMessage,
  type TestDatabase,
} from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CatalogChangedConcurrentlyError, applyCatalog, loadCatalogPlan, loadStoredMetrics, type CatalogAdminDeps } from '../src';

const repoRoot = resolve(__dirname, '../../..');
const examplePath = join(repoRoot, 'examples/metrics.yaml');

const parse = (text: string): Catalog => parseCatalogOrThrow(text, { now: new Date() });

/** Drops a metric's block (its name line up to the next blank line) from a metrics.yaml text. */
const withoutMetric = (text: string, name: string): string => {
  const lines = text.split('\n');
  const start = lines.indexOf(`${name}:`);
  if (start < 0) throw new Error(`${name} is not in the file`);
  const blank = lines.findIndex((line, index) => index > start && line.trim() === '');
  return [...lines.slice(0, start), ...lines.slice(blank < 0 ? lines.length : blank + 1)].join('\n');
};

const replaceOnce = (text: string, from: string, to: string): string => {
  if (text.split(from).length !== 2) throw new Error(`expected exactly one ${JSON.stringify(from)}`);
  return text.replace(from, to);
};

/** End offset per partition: the records published by an apply are those at or after the offsets taken before it. */
const endOffsets = async (kafka: Kafka, topic: string): Promise<Map<number, bigint>> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map(({ partition, high }) => [partition, BigInt(high)]));
  } finally {
    await admin.disconnect();
  }
};

const countOf = (offsets: ReadonlyMap<number, bigint>) => [...offsets.values()].reduce((sum, high) => sum + Number(high), 0);

/** The records written since `before`, read back from the broker. */
const publishedSince = async (kafka: Kafka, topic: string, before: ReadonlyMap<number, bigint>): Promise<ReadMessage[]> => {
  const after = await endOffsets(kafka, topic);
  const total = countOf(after);
  const all = await readTopic(kafka, topic, (messages) => messages.length >= total);
  expect(all).toHaveLength(total);
  return all.filter((message) => BigInt(message.offset) >= (before.get(message.partition) ?? 0n));
};

const definitionOf = (message: ReadMessage): MetricDefinition | null =>
  message.value === null ? null : (JSON.parse(message.value) as MetricDefinition);

describe('applyCatalog (catalog:apply) on a real database and broker', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let topics: TopicNames;
  let producer: BatchProducer;
  let deps: CatalogAdminDeps;
  let exampleText: string;
  let exampleCatalog: Catalog;

  beforeAll(async () => {
    db = await createTestDatabase();
    kafka = testKafka();
    ({ topics } = await createTestTopics(kafka));
    producer = await BatchProducer.connect(kafka);
    deps = { pool: db.pool, producer, catalogTopic: topics.catalog };
    exampleText = await readFile(examplePath, 'utf8');
    exampleCatalog = parse(exampleText);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await db?.drop();
  });

  it('stores a row and publishes a catalog.v1 record for every metric of examples/metrics.yaml', async () => {
    const before = await endOffsets(kafka, topics.catalog);
    const result = await applyCatalog(deps, exampleCatalog, { actor: 'cli:test', source: 'examples/metrics.yaml' });

    const names = [...exampleCatalog.metrics.keys()].sort();
    expect(names.length).toBeGreaterThan(20);
    expect(result.plan.added.map((definition) => definition.name)).toEqual(names);
    expect(result.publishedCount).toBe(names.length);

    const stored = await loadStoredMetrics(db.pool);
    expect(stored.map((metric) => metric.definition.name)).toEqual(names);
    expect(stored.every((metric) => metric.version === 1 && metric.retiredAt === null)).toBe(true);
    expect(stored.find((metric) => metric.definition.name === 'checkout.latency')?.definition).toEqual(
      exampleCatalog.metrics.get('checkout.latency')?.definition,
    );

    const published = await publishedSince(kafka, topics.catalog, before);
    expect(published.map((message) => message.key).sort()).toEqual(names);
    for (const message of published) {
      expect(definitionOf(message)).toEqual(exampleCatalog.metrics.get(message.key ?? '')?.definition);
    }

    const { rows } = await db.pool.query<{ action: string; count: string }>(
      `SELECT action, count(*) FROM audit_log WHERE actor = 'cli:test' GROUP BY action`,
    );
    expect(rows).toEqual([{ action: 'metric.define', count: String(names.length) }]);
  });

  it('publishes nothing and bumps no version when the same file is applied again', async () => {
    const before = await endOffsets(kafka, topics.catalog);
    const result = await applyCatalog(deps, exampleCatalog, { actor: 'cli:test', source: 'examples/metrics.yaml' });

    expect(result.publishedCount).toBe(0);
    expect(result.plan.unchanged).toHaveLength(exampleCatalog.metrics.size);
    expect(countOf(await endOffsets(kafka, topics.catalog))).toBe(countOf(before));
    expect((await loadStoredMetrics(db.pool)).every((metric) => metric.version === 1)).toBe(true);
  });

  it('publishes exactly the one changed definition when one metric changes', async () => {
    const changed = parse(replaceOnce(exampleText, 'alert: { above: 2000 }', 'alert: { above: 2500 }'));
    const before = await endOffsets(kafka, topics.catalog);
    const result = await applyCatalog(deps, changed, { actor: 'cli:test', source: 'changed.yaml' });

    expect(result.plan.changed.map((change) => [change.name, change.fields])).toEqual([['checkout.latency', ['alert']]]);
    expect(result.plan.added).toEqual([]);
    expect(result.plan.removed).toEqual([]);
    expect(result.publishedCount).toBe(1);

    const published = await publishedSince(kafka, topics.catalog, before);
    expect(published).toHaveLength(1);
    expect(published[0]?.key).toBe('checkout.latency');
    expect(definitionOf(published[0] as ReadMessage)?.alert).toEqual({ above: 2500 });

    const stored = await loadStoredMetrics(db.pool);
    const latency = stored.find((metric) => metric.definition.name === 'checkout.latency');
    expect(latency?.version).toBe(2);
    expect(latency?.definition.alert).toEqual({ above: 2500 });
    expect(stored.filter((metric) => metric.version !== 1).map((metric) => metric.definition.name)).toEqual(['checkout.latency']);
  });

  it('retires a removed metric and publishes a tombstone for it, and nothing else', async () => {
    const text = withoutMetric(replaceOnce(exampleText, 'alert: { above: 2000 }', 'alert: { above: 2500 }'), 'web.holiday_banner_clicks');
    const before = await endOffsets(kafka, topics.catalog);
    const result = await applyCatalog(deps, parse(text), { actor: 'cli:test', source: 'removed.yaml' });

    expect(result.plan.removed.map((definition) => definition.name)).toEqual(['web.holiday_banner_clicks']);
    expect(result.plan.changed).toEqual([]);
    const published = await publishedSince(kafka, topics.catalog, before);
    expect(published.map((message) => [message.key, message.value])).toEqual([['web.holiday_banner_clicks', null]]);

    const retired = (await loadStoredMetrics(db.pool)).find((metric) => metric.definition.name === 'web.holiday_banner_clicks');
    expect(retired?.retiredAt).toBeInstanceOf(Date);
    expect(retired?.version).toBe(2);
    const { rows } = await db.pool.query<{ details: { via: string; version: number } }>(
      `SELECT details FROM audit_log WHERE action = 'metric.retire' AND target = 'web.holiday_banner_clicks'`,
    );
    expect(rows.map((row) => [row.details.via, row.details.version])).toEqual([['catalog:apply', 2]]);
  });

  it('gives a catalog client started afterwards the current catalog: the changed value, no removed metric', async () => {
    const client = await startCatalogClient(kafka, topics.catalog, 'catalog-apply-test');
    try {
      await client.caughtUp;
      expect(client.get('checkout.latency')?.alert).toEqual({ above: 2500 });
      expect(client.get('web.holiday_banner_clicks')).toBeUndefined();
      expect(client.all().map((definition) => definition.name).sort()).toEqual(
        [...exampleCatalog.metrics.keys()].filter((name) => name !== 'web.holiday_banner_clicks').sort(),
      );
    } finally {
      await client.stop();
    }
  });

  it('refuses a confirmed plan once the stored catalog has changed underneath it', async () => {
    const current = parse(withoutMetric(replaceOnce(exampleText, 'alert: { above: 2000 }', 'alert: { above: 2500 }'), 'web.holiday_banner_clicks'));
    const next = parse(withoutMetric(exampleText, 'web.holiday_banner_clicks'));
    const seenPlan = await loadCatalogPlan(db.pool, next);
    expect(seenPlan.changed.map((change) => change.name)).toEqual(['checkout.latency']);
    // Someone else changes the same metric in between; the diff the operator confirmed is stale.
    const other = parse(withoutMetric(replaceOnce(exampleText, 'alert: { above: 2000 }', 'alert: { above: 3000 }'), 'web.holiday_banner_clicks'));
    await applyCatalog(deps, other, { actor: 'cli:other', source: 'other.yaml' });

    const before = await endOffsets(kafka, topics.catalog);
    await expect(applyCatalog(deps, next, { actor: 'cli:test', source: 'stale.yaml', expectedPlan: seenPlan })).rejects.toBeInstanceOf(
      CatalogChangedConcurrentlyError,
    );
    expect(countOf(await endOffsets(kafka, topics.catalog))).toBe(countOf(before));
    const latency = (await loadStoredMetrics(db.pool)).find((metric) => metric.definition.name === 'checkout.latency');
    expect(latency?.definition.alert).toEqual({ above: 3000 });
    await applyCatalog(deps, current, { actor: 'cli:test', source: 'restore.yaml' });
  });

  it('revives a removed metric when the file names it again, continuing its version', async () => {
    const before = await endOffsets(kafka, topics.catalog);
    const result = await applyCatalog(deps, exampleCatalog, { actor: 'cli:test', source: 'examples/metrics.yaml' });

    expect(result.plan.revived).toEqual(['web.holiday_banner_clicks']);
    expect(result.plan.changed.map((change) => change.name)).toEqual(['checkout.latency']);
    const published = await publishedSince(kafka, topics.catalog, before);
    expect(published.map((message) => message.key).sort()).toEqual(['checkout.latency', 'web.holiday_banner_clicks']);
    const revived = (await loadStoredMetrics(db.pool)).find((metric) => metric.definition.name === 'web.holiday_banner_clicks');
    expect(revived?.retiredAt).toBeNull();
    expect(revived?.version).toBe(3);
  });
});

interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

describe('npm run catalog:apply as a child process', () => {
  let db: TestDatabase;
  let kafka: Kafka;
  let topics: TopicNames;
  let suffix: string;
  let workDir: string;

  /** The CLI as `npm run catalog:apply` runs it, without a terminal (stdin closed), as in CI or compose. */
  const runCli = (args: readonly string[]): Promise<CliRun> =>
    new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, ['-r', '@swc-node/register', 'libs/admin/cli/catalog-apply.ts', ...args], {
        cwd: repoRoot,
        env: { ...process.env, DATABASE_URL: db.url, KAFKA_BROKERS: TEST_KAFKA_CONFIG.KAFKA_BROKERS, KAFKA_TOPIC_SUFFIX: suffix },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.once('error', reject);
      child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
    });

  const storedCount = async () => Number((await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM metric_definitions')).rows[0]?.n);

  beforeAll(async () => {
    db = await createTestDatabase();
    kafka = testKafka();
    ({ topics, suffix } = await createTestTopics(kafka));
    workDir = await mkdtemp(join(tmpdir(), 'catalog-apply-'));
  });

  afterAll(async () => {
    await db?.drop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('exits 1 and names file, line, metric and field for an invalid file, changing nothing', async () => {
    const bad = join(workDir, 'bad.yaml');
    await writeFile(bad, ['checkout.latency:', '  type: histogram', '  unit: ms', '  description: d', '  owner: payments',
      '  hypothesis: h', '  action: a', '  purpose: performance', '  expires: tomorrow', ''].join('\n'));
    const run = await runCli([bad]);

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${bad}:9: checkout.latency.expires: must be a date YYYY-MM-DD or "never"`);
    expect(run.stderr).toContain('nothing applied');
    expect(await storedCount()).toBe(0);
    expect(countOf(await endOffsets(kafka, topics.catalog))).toBe(0);
  });

  it('--dry-run prints the diff and the expiry reminder but stores and publishes nothing', async () => {
    const run = await runCli(['--dry-run', 'examples/metrics.yaml']);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/examples\/metrics\.yaml: \d+ metrics; \d+ added, 0 changed, 0 removed, 0 unchanged/);
    expect(run.stdout).toContain('  + checkout.latency (histogram, owner payments)');
    expect(run.stdout).toContain('dry run: nothing applied');
    expect(run.stderr).toContain('web.holiday_banner_clicks.expires: expired on 2026-10-31');
    expect(await storedCount()).toBe(0);
    expect(countOf(await endOffsets(kafka, topics.catalog))).toBe(0);
  });

  it('applies without a terminal, and a second run publishes nothing', async () => {
    const exampleCount = parse(await readFile(examplePath, 'utf8')).metrics.size;
    const first = await runCli(['examples/metrics.yaml']);
    expect(first.stderr).not.toContain('failed');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`applied: ${exampleCount} metrics written, ${exampleCount} records published to ${topics.catalog}`);
    expect(await storedCount()).toBe(exampleCount);
    expect(countOf(await endOffsets(kafka, topics.catalog))).toBe(exampleCount);

    const second = await runCli(['examples/metrics.yaml']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('nothing to apply');
    expect(countOf(await endOffsets(kafka, topics.catalog))).toBe(exampleCount);
  });
});
