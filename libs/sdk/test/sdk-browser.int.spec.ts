import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH, waitFor } from '@telemetry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBrowserSdk } from '../scripts/build-sdk';


interface CapturedEvent {
  id: string;
  metric: string;
  value: number;
  subjectId?: string;
}
interface Captured {
  apiKey: string;
  path: '/v1/events' | '/graphql';
  status: number;
  encoding: string | undefined;
  events: CapturedEvent[];
  consent?: { subjectId: string; purposes: { purpose: string; granted: boolean }[] };
}

/** Stands in for ingest (and the GraphQL consent endpoint) so the test sees exactly what the page sent. */
const startCaptureServer = async (bundle: Uint8Array, page: string) => {
  const captured: Captured[] = [];
  const unavailableKeys = new Set<string>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = (request.url ?? '/').split('?')[0];
      if (request.method === 'GET' && path === '/') return response.writeHead(200, { 'content-type': 'text/html' }).end(page);
      if (request.method === 'GET' && path === '/telemetry.min.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(bundle);
      if (request.method !== 'POST') return response.writeHead(404).end();
      const apiKey = (request.headers.authorization ?? '').replace(/^Bearer /, '');
      const encoding = request.headers['content-encoding'];
      const raw = Buffer.concat(chunks);
      const body = JSON.parse((encoding === 'gzip' ? gunzipSync(raw) : raw).toString('utf8')) as Record<string, unknown>;
      if (path === '/graphql') {
        const variables = body['variables'] as Captured['consent'];
        captured.push({ apiKey, path, status: 200, encoding, events: [], ...(variables ? { consent: variables } : {}) });
        return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { recordConsent: { __typename: 'Consent' } } }));
      }
      const events = body['events'] as CapturedEvent[];
      if (unavailableKeys.has(apiKey)) {
        captured.push({ apiKey, path: '/v1/events', status: 503, encoding, events });
        return response.writeHead(503, { 'retry-after': '1' }).end();
      }
      captured.push({ apiKey, path: '/v1/events', status: 202, encoding, events });
      return response.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: events.length, rejected: [] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    captured,
    unavailableKeys,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
};

/** Runs before any page script: a Network Information API the test controls (Chromium's own reports the real link). */
const simulateConnection = (initial: { type: string; saveData: boolean }) => {
  const listeners = new Set<() => void>();
  const connection = {
    ...initial,
    effectiveType: '4g',
    addEventListener: (type: string, listener: () => void) => {
      if (type === 'change') listeners.add(listener);
    },
    removeEventListener: (_type: string, listener: () => void) => listeners.delete(listener),
  };
  const { navigator } = globalThis as unknown as { navigator: object };
  Object.defineProperty(Object.getPrototypeOf(navigator), 'connection', { get: () => connection, configurable: true });
  (globalThis as unknown as { setConnection: (next: object) => void }).setConnection = (next: object) => {
    Object.assign(connection, next);
    for (const listener of listeners) listener();
  };
};

interface PageSdk {
  track(metric: string, value: number, attributes?: Record<string, string | number | boolean>): string;
  setConsent(subjectId: string, purposes: Record<string, boolean>): Promise<void>;
  flush(): Promise<{ sentEvents: number; remainingEvents: number; blockedBy?: string }>;
}
type PageWindow = typeof globalThis & { telemetry: PageSdk; sdkReady: Promise<boolean>; setConnection: (next: object) => void };

describe('SDK in headless Chromium', () => {
  let context: BrowserContext;
  let server: Awaited<ReturnType<typeof startCaptureServer>>;
  let userDataDir: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: run scripts/ensure-chromium.sh (installs Debian's chromium)`);
    const page = readFileSync(join(__dirname, 'browser/index.html'), 'utf8');
    server = await startCaptureServer(await bundleBrowserSdk(), page);
    userDataDir = mkdtempSync(join(tmpdir(), 'sdk-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  const openPage = async (connection: { type: string; saveData: boolean } = { type: 'wifi', saveData: false }) => {
    const key = `key-${randomBytes(4).toString('hex')}`;
    const page = await context.newPage();
    await page.addInitScript(simulateConnection, connection);
    const url = `${server.origin}/?key=${key}&db=${key}`;
    await page.goto(url);
    await page.waitForFunction(() => (globalThis as PageWindow).sdkReady);
    const requests = () => server.captured.filter((entry) => entry.apiKey === key || (entry.path === '/graphql' && entry.consent?.subjectId.startsWith(key)));
    const acceptedEvents = () => requests().filter((entry) => entry.status === 202).flatMap((entry) => entry.events);
    return { page, key, url, requests, acceptedEvents };
  };
  const sdk = (page: Page) => ({
    track: (metric: string, value: number, attributes?: Record<string, string | number | boolean>) =>
      page.evaluate(([m, v, a]) => (globalThis as PageWindow).telemetry.track(m, v, a), [metric, value, attributes] as const),
    setConsent: (subjectId: string, purposes: Record<string, boolean>) =>
      page.evaluate(([s, p]) => (globalThis as PageWindow).telemetry.setConsent(s, p), [subjectId, purposes] as const),
    flush: () => page.evaluate(() => (globalThis as PageWindow).telemetry.flush()),
  });

  it('sends events only after consent, and records the consent before them', async () => {
    const { page, key, requests, acceptedEvents } = await openPage();
    const client = sdk(page);
    const subject = `${key}-visitor`;
    expect(await client.track('page.view', 1)).toBe('dropped_no_consent');
    expect(await client.flush()).toEqual({ sentEvents: 0, remainingEvents: 0 });
    await client.setConsent(subject, { analytics: true });
    expect([await client.track('page.view', 2), await client.track('page.view', 3)]).toEqual(['queued', 'queued']);
    // The 100 ms batch timer may have sent them already; either way nothing is left.
    expect(await client.flush()).toMatchObject({ remainingEvents: 0 });
    await waitFor(async () => (acceptedEvents().length >= 2 ? true : undefined), 5_000);

    expect(acceptedEvents().map(({ value, subjectId }) => ({ value, subjectId }))).toEqual([
      { value: 2, subjectId: subject },
      { value: 3, subjectId: subject },
    ]);
    const [first, ...rest] = requests().map((entry) => entry.path);
    expect(first).toBe('/graphql');
    expect(rest.length).toBeGreaterThanOrEqual(1);
    expect(rest.every((path) => path === '/v1/events')).toBe(true);
    expect(requests()[0]?.consent).toEqual({ subjectId: subject, purposes: [{ purpose: 'analytics', granted: true }] });
    await page.close();
  });

  it.each([
    ['a cellular link', { type: 'cellular', saveData: false }],
    ['data saver', { type: 'wifi', saveData: true }],
  ])('defers uploads on %s (urgent metrics excepted) and resumes once unmetered', async (_name, metered) => {
    const { page, key, acceptedEvents } = await openPage(metered);
    const client = sdk(page);
    await client.setConsent(`${key}-visitor`, { analytics: true });
    for (const value of [1, 2, 3, 4, 5]) await client.track('page.view', value);
    await client.track('app.error', 99);
    // The urgent event went (by this flush or the 100 ms batch timer before it); the rest wait.
    expect(await client.flush()).toMatchObject({ remainingEvents: 5, blockedBy: 'metered' });
    expect(acceptedEvents().map((event) => event.value)).toEqual([99]);
    // Several batch-wait and metered-recheck periods (100 ms each) pass: still only the urgent event.
    await page.waitForTimeout(600);
    expect(acceptedEvents().map((event) => event.value)).toEqual([99]);

    await page.evaluate(() => (globalThis as PageWindow).setConnection({ type: 'wifi', saveData: false }));
    const sent = await waitFor(async () => (acceptedEvents().length === 6 ? acceptedEvents() : undefined), 10_000);
    expect(sent.map((event) => event.value)).toEqual([99, 1, 2, 3, 4, 5]);
    await page.close();
  });

  it('keeps the queue in IndexedDB across a reload while ingest is unavailable, then delivers each event once (gzip)', async () => {
    const { page, key, requests, acceptedEvents } = await openPage();
    const client = sdk(page);
    server.unavailableKeys.add(key);
    await client.setConsent(`${key}-visitor`, { analytics: true });
    for (let value = 0; value < 30; value += 1) await client.track('page.view', value, { padding: 'z'.repeat(40) });
    expect(await client.flush()).toMatchObject({ sentEvents: 0, remainingEvents: 30, blockedBy: 'backoff' });

    await page.reload();
    await page.waitForFunction(() => (globalThis as PageWindow).sdkReady);
    server.unavailableKeys.delete(key);
    const delivered = await waitFor(async () => (acceptedEvents().length >= 30 ? acceptedEvents() : undefined), 15_000);

    expect(delivered.map((event) => event.value).sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, value) => value));
    expect(new Set(delivered.map((event) => event.id)).size).toBe(30);
    const refused = requests().filter((entry) => entry.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    // What was refused went again with the same ids: a resend after an unknown outcome is harmless.
    expect(refused.flatMap((entry) => entry.events.map((event) => event.id)).every((id) => delivered.some((event) => event.id === id))).toBe(true);
    // Bodies of 1 KiB or more are gzipped; ten of these events are already over that.
    const largeUploads = requests().filter((entry) => entry.path === '/v1/events' && entry.events.length >= 10);
    expect(largeUploads.length).toBeGreaterThanOrEqual(1);
    expect(largeUploads.every((entry) => entry.encoding === 'gzip')).toBe(true);
    await page.close();
  });
});
