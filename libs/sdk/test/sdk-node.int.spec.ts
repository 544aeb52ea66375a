import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMemoryQueueStorage, createNodeTelemetry, EVICTION_REPORT_METRIC, type Telemetry, type TelemetryOptions } from '../src/node';
import { waitFor } from '@telemetry/test-support';
import { readRawEvents, startIngest, type IngestUnderTest, type RawEvent } from './ingest-under-test';

const CATALOG = {
  'app.heartbeat': { purpose: 'none' },
  'page.view': { purpose: 'analytics' },
  'checkout.latency': { purpose: 'performance' },
  'sdk.batch_test': { purpose: 'none' },
  'sdk.retry_test': { purpose: 'none' },
};

const ids = (events: RawEvent[]) => events.map((event) => event.id);
const values = (events: RawEvent[]) => events.map((event) => event.value).sort((a, b) => a - b);
const range = (count: number) => Array.from({ length: count }, (_, index) => index);

describe('SDK in Node against the real ingest service', () => {
  let ingest: IngestUnderTest;
  let scratch: string;
  const clients: Telemetry[] = [];

  const client = (options: Partial<TelemetryOptions> = {}): Telemetry => {
    const telemetry = createNodeTelemetry({
      endpoint: ingest.stack.ingestUrl,
      apiKey: ingest.apiKey,
      catalog: CATALOG,
      storage: createMemoryQueueStorage(),
      batchMaxWaitMs: 60_000,
      onError: () => undefined,
      ...options,
    });
    clients.push(telemetry);
    return telemetry;
  };

  beforeAll(async () => {
    ingest = await startIngest();
    scratch = mkdtempSync(join(tmpdir(), 'sdk-int-'));
  });

  afterAll(async () => {
    await Promise.all(clients.map((telemetry) => telemetry.shutdown()));
    await ingest?.stack.stopAll();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('sends nothing for an ungranted purpose, sends granted ones, and purges queued events on revocation', async () => {
    const run = randomBytes(4).toString('hex');
    const telemetry = client();
    await telemetry.ready;
    const outcomes = [telemetry.track('page.view', 1, { run }), telemetry.track('app.heartbeat', 2, { run })];
    await telemetry.setConsent('user-1', { analytics: true });
    outcomes.push(telemetry.track('page.view', 3, { run }), telemetry.track('checkout.latency', 4, { run }));
    expect(await telemetry.flush()).toEqual({ sentEvents: 2, remainingEvents: 0 });
    outcomes.push(telemetry.track('page.view', 5, { run }), telemetry.track('page.view', 6, { run }));
    await telemetry.setConsent('user-1', { analytics: false });
    outcomes.push(telemetry.track('page.view', 7, { run }), telemetry.track('app.heartbeat', 8, { run }));
    await telemetry.flush();

    expect(outcomes).toEqual(['dropped_no_consent', 'queued', 'queued', 'dropped_no_consent', 'queued', 'queued', 'dropped_no_consent', 'queued']);
    const { events } = await readRawEvents(ingest.stack, run, (read) => read.length >= 3);
    expect(events.map(({ metric, value, subjectId }) => ({ metric, value, subjectId }))).toEqual([
      { metric: 'app.heartbeat', value: 2, subjectId: undefined },
      { metric: 'page.view', value: 3, subjectId: 'user-1' },
      { metric: 'app.heartbeat', value: 8, subjectId: undefined },
    ]);
    expect(telemetry.stats()).toMatchObject({ sentEvents: 3, droppedNoConsent: 3, purgedOnRevoke: 2, queuedEvents: 0 });
  });

  it('holds events until their purpose is granted when asked to', async () => {
    const run = randomBytes(4).toString('hex');
    const telemetry = client({ ungrantedEvents: 'hold' });
    await telemetry.ready;
    expect([telemetry.track('checkout.latency', 10, { run }), telemetry.track('page.view', 11, { run })]).toEqual(['held', 'held']);
    expect(await telemetry.flush()).toEqual({ sentEvents: 0, remainingEvents: 0 });
    await telemetry.setConsent('user-2', { performance: true, analytics: false });
    expect(await telemetry.flush()).toEqual({ sentEvents: 1, remainingEvents: 0 });

    const { events } = await readRawEvents(ingest.stack, run, (read) => read.length >= 1);
    expect(events.map(({ metric, value, subjectId }) => ({ metric, value, subjectId }))).toEqual([
      { metric: 'checkout.latency', value: 10, subjectId: 'user-2' },
    ]);
  });

  it('batches by count, by bytes and by time (gzip bodies above 1 KiB), every event once', async () => {
    const byCount = randomBytes(4).toString('hex');
    const countClient = client({ batchMaxEvents: 50 });
    await countClient.ready;
    for (const index of range(120)) countClient.track('sdk.batch_test', index, { run: byCount, padding: 'x'.repeat(40) });
    await countClient.flush();
    const counted = await readRawEvents(ingest.stack, byCount, (read) => read.length >= 120);
    expect(values(counted.events)).toEqual(range(120));
    expect(counted.envelopeSizes).toEqual([50, 50, 20]);

    const byBytes = randomBytes(4).toString('hex');
    const bytesClient = client({ batchMaxBytes: 2_000 });
    await bytesClient.ready;
    for (const index of range(40)) bytesClient.track('sdk.batch_test', index, { run: byBytes });
    await bytesClient.flush();
    const sized = await readRawEvents(ingest.stack, byBytes, (read) => read.length >= 40);
    expect(values(sized.events)).toEqual(range(40));
    // ~120-byte events: a 2,000-byte request holds at most 16.
    expect(sized.envelopeSizes.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...sized.envelopeSizes)).toBeLessThanOrEqual(16);

    const byTime = randomBytes(4).toString('hex');
    const timeClient = client({ batchMaxWaitMs: 200 });
    await timeClient.ready;
    for (const index of range(5)) timeClient.track('sdk.batch_test', index, { run: byTime });
    // No flush(): the batchMaxWaitMs timer sends them.
    const timed = await readRawEvents(ingest.stack, byTime, (read) => read.length >= 5);
    expect(values(timed.events)).toEqual(range(5));
    expect(timed.envelopeSizes).toEqual([5]);
  });

  it('retries across an ingest restart and delivers every event exactly once', async () => {
    const run = randomBytes(4).toString('hex');
    const telemetry = client({ retryBaseMs: 200, retryMaxMs: 1_000, batchMaxEvents: 25 });
    await telemetry.ready;
    await ingest.stack.kill('ingest');
    for (const index of range(60)) telemetry.track('sdk.retry_test', index, { run });
    const whileDown = await telemetry.flush();
    expect(whileDown).toMatchObject({ sentEvents: 0, remainingEvents: 60, blockedBy: 'backoff' });

    await ingest.stack.start('ingest');
    const { events } = await readRawEvents(ingest.stack, run, (read) => read.length >= 60, 30_000);
    expect(values(events)).toEqual(range(60));
    expect(new Set(ids(events)).size).toBe(60);
    // Kafka may show the last batch before its 202 reached the client.
    await waitFor(async () => (telemetry.stats().queuedEvents === 0 ? true : undefined), 10_000);
    expect(telemetry.stats()).toMatchObject({ sentEvents: 60, queuedEvents: 0 });
    expect(telemetry.stats().failedAttempts).toBeGreaterThanOrEqual(1);
  });

  it('keeps the offline queue through a killed process and delivers it once after restart', async () => {
    const run = randomBytes(4).toString('hex');
    const queueFile = join(scratch, `${run}.jsonl`);
    await ingest.stack.kill('ingest');
    const tracker = runSdkProcess(['track', ingest.stack.ingestUrl, ingest.apiKey, queueFile, run, '150']);
    const tracked = JSON.parse(await tracker.firstLine) as { result: { remainingEvents: number; blockedBy?: string } };
    expect(tracked.result).toMatchObject({ remainingEvents: 150, blockedBy: 'backoff' });
    tracker.child.kill('SIGKILL');
    await tracker.exited;

    await ingest.stack.start('ingest');
    const drainer = runSdkProcess(['drain', ingest.stack.ingestUrl, ingest.apiKey, queueFile]);
    const drained = JSON.parse(await drainer.firstLine) as { stats: { sentEvents: number; queuedEvents: number } };
    expect(drained.stats).toMatchObject({ sentEvents: 150, queuedEvents: 0 });
    await drainer.exited;

    // A third start over the same file finds nothing to send: acknowledged batches never go again.
    const again = runSdkProcess(['drain', ingest.stack.ingestUrl, ingest.apiKey, queueFile]);
    const idle = JSON.parse(await again.firstLine) as { stats: { sentEvents: number } };
    expect(idle.stats.sentEvents).toBe(0);
    await again.exited;

    const { events } = await readRawEvents(ingest.stack, run, (read) => read.length >= 150);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const settled = await readRawEvents(ingest.stack, run, (read) => read.length > 150, 3_000);
    expect(values(events)).toEqual(range(150));
    expect(settled.events.length).toBe(150);
    expect(new Set(ids(settled.events)).size).toBe(150);
  });

  it('evicts the oldest events at its bound, counts them, and reports the count to ingest after a restart', async () => {
    const run = randomBytes(4).toString('hex');
    const storage = createMemoryQueueStorage();
    const evictions: number[] = [];
    const offline = client({ endpoint: 'http://127.0.0.1:9', storage, maxQueueEvents: 20, retryBaseMs: 600_000, onEvicted: (count) => evictions.push(count) });
    await offline.ready;
    for (const index of range(50)) offline.track('sdk.batch_test', index, { run });
    expect(await offline.flush()).toMatchObject({ remainingEvents: 20, blockedBy: 'backoff' });
    expect(offline.stats()).toMatchObject({ queuedEvents: 20, evictedEvents: 30 });
    expect(evictions.reduce((sum, count) => sum + count, 0)).toBe(30);
    await offline.shutdown();

    // The same storage in a new client (an app restart): the 20 newest events and the unreported count.
    const restarted = client({ storage });
    await restarted.ready;
    expect(await restarted.flush()).toEqual({ sentEvents: 20, remainingEvents: 0 });
    const { events } = await readRawEvents(
      ingest.stack,
      (event) => event.attributes?.['run'] === run || event.metric === EVICTION_REPORT_METRIC,
      (read) => read.length >= 21,
    );
    expect(values(events.filter((event) => event.metric === 'sdk.batch_test'))).toEqual(range(50).slice(30));
    expect(events.filter((event) => event.metric === EVICTION_REPORT_METRIC).map((event) => event.value)).toEqual([30]);
    // Ingest accepted it (a telemetry.self.* name would be refused as reserved), and the catalog
    // users copy defines it, so the privacy filter does not dead-letter it as unknown_metric.
    const exampleCatalog = readFileSync(join(__dirname, '../../../examples/metrics.yaml'), 'utf8');
    expect(exampleCatalog.split('\n')).toContain(`${EVICTION_REPORT_METRIC}:`);
  });

  it('records grants and withdrawals through the real API\'s recordConsent mutation', async () => {
    await ingest.stack.start('api');
    const consentEndpoint = `${ingest.stack.apiUrl}/graphql`;
    const readConsent = async (subjectId: string) => {
      const response = await fetch(consentEndpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ingest.stack.adminToken}` },
        body: JSON.stringify({ query: 'query($s: String!) { consent(subjectId: $s) { purposes { purpose granted } } }', variables: { s: subjectId } }),
      });
      return ((await response.json()) as { data: { consent: { purposes: { purpose: string; granted: boolean }[] } | null } }).data.consent;
    };
    const run = randomBytes(4).toString('hex');
    const subject = `user-${run}`;
    const telemetry = client({ consentEndpoint, consentToken: ingest.stack.adminToken });
    await telemetry.ready;
    await telemetry.setConsent(subject, { analytics: true, performance: false });
    telemetry.track('page.view', 1, { run });
    expect(await telemetry.flush()).toEqual({ sentEvents: 1, remainingEvents: 0 });
    expect(await readConsent(subject)).toEqual({ purposes: [{ purpose: 'analytics', granted: true }, { purpose: 'performance', granted: false }] });

    await telemetry.setConsent(subject, { analytics: false });
    await telemetry.flush();
    expect(await readConsent(subject)).toEqual({ purposes: [{ purpose: 'analytics', granted: false }, { purpose: 'performance', granted: false }] });
    await ingest.stack.stop('api');
  });

  it('records the consent choice at the consent endpoint before the subject\'s events go', async () => {
    const run = randomBytes(4).toString('hex');
    const consentRequests: { authorization: string | undefined; body: unknown }[] = [];
    let failFirst = true;
    const server = await listen(async (request, body): Promise<CannedResponse> => {
      consentRequests.push({ authorization: request.headers.authorization, body: JSON.parse(body.toString('utf8')) });
      if (failFirst) {
        failFirst = false;
        return { status: 503, headers: { 'retry-after': '1' }, body: '' };
      }
      return { status: 200, headers: {}, body: JSON.stringify({ data: { recordConsent: { __typename: 'Consent' } } }) };
    });
    try {
      const telemetry = client({ consentEndpoint: server.url, consentToken: 'consent-token', retryBaseMs: 100 });
      await telemetry.ready;
      await telemetry.setConsent('user-3', { analytics: true });
      telemetry.track('page.view', 1, { run });
      const blocked = await telemetry.flush();
      expect(blocked).toMatchObject({ sentEvents: 0, remainingEvents: 1, blockedBy: 'consent' });
      const { events } = await readRawEvents(ingest.stack, run, (read) => read.length >= 1, 15_000);
      expect(events.map((event) => event.subjectId)).toEqual(['user-3']);
      expect(consentRequests).toHaveLength(2);
      expect(consentRequests[1]).toEqual({
        authorization: 'Bearer consent-token',
        body: {
          query: expect.stringContaining('recordConsent(subjectId: $subjectId, purposes: $purposes)'),
          variables: { subjectId: 'user-3', purposes: [{ purpose: 'analytics', granted: true }] },
        },
      });
    } finally {
      await server.close();
    }
  });
});

describe('SDK in Node against a server that says 429 / 503 (Retry-After)', () => {
  it.each([
    [429, 'rate_limited'],
    [503, 'unavailable'],
  ])('waits for Retry-After after %d, then resends the same ids', async (status) => {
    const requests: { atMs: number; encoding: string | undefined; ids: string[] }[] = [];
    const server = await listen(async (request, body): Promise<CannedResponse> => {
      const json = request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
      const { events } = JSON.parse(json.toString('utf8')) as { events: { id: string }[] };
      requests.push({ atMs: Date.now(), encoding: request.headers['content-encoding'], ids: events.map((event) => event.id) });
      if (requests.length === 1) return { status, headers: { 'retry-after': '1' }, body: '' };
      return { status: 202, headers: {}, body: JSON.stringify({ accepted: events.length, rejected: [] }) };
    });
    const telemetry = createNodeTelemetry({
      endpoint: server.url,
      apiKey: 'key',
      catalog: CATALOG,
      storage: createMemoryQueueStorage(),
      retryBaseMs: 10,
      onError: () => undefined,
    });
    try {
      await telemetry.ready;
      for (const index of range(30)) telemetry.track('sdk.retry_test', index, { run: 'retry-after', padding: 'y'.repeat(40) });
      expect(await telemetry.flush()).toMatchObject({ sentEvents: 0, blockedBy: 'backoff' });
      const deadline = Date.now() + 10_000;
      while (telemetry.stats().sentEvents < 30 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));

      expect(requests).toHaveLength(2);
      const [first, second] = requests;
      expect(second?.ids).toEqual(first?.ids);
      expect((second?.atMs ?? 0) - (first?.atMs ?? 0)).toBeGreaterThanOrEqual(1_000);
      expect(first?.encoding).toBe('gzip');
      expect(telemetry.stats()).toMatchObject({ sentEvents: 30, failedAttempts: 1, queuedEvents: 0 });
    } finally {
      await telemetry.shutdown();
      await server.close();
    }
  });
});

interface SdkProcess {
  child: ChildProcess;
  firstLine: Promise<string>;
  exited: Promise<void>;
}

const runSdkProcess = (args: string[]): SdkProcess => {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join(__dirname, 'fixtures/offline-sdk-process.ts'), ...args], {
    cwd: join(__dirname, '..', '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const firstLine = new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline >= 0) resolve(stdout.slice(0, newline));
    });
    child.once('exit', (code) => reject(new Error(`SDK process exited (${code}) before printing: ${stderr}`)));
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return { child, firstLine, exited };
};

interface CannedResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** A local HTTP endpoint answering what each test scripts: for outcomes the real services cannot be made to give on demand. */
const listen = async (respond: (request: IncomingMessage, body: Buffer) => Promise<CannedResponse>): Promise<{ url: string; close: () => Promise<void> }> => {
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      respond(request, Buffer.concat(chunks)).then(
        (canned) => response.writeHead(canned.status, { 'content-type': 'application/json', ...canned.headers }).end(canned.body),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve()))),
  };
};
