import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLogger } from '@telemetry/service-runtime';
import { waitFor } from '@telemetry/test-support';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { buildNotification } from '../src/notifications/build-notification';
import { WebhookNotifier, type WebhookNotifierOptions } from '../src/notifications/webhook-notifier';
import { createAnomalyMetrics } from '../src/ops/anomaly-metrics';

const payload = buildNotification(
  'incident.opened',
  { id: 'i1', metric: 'm.x', series: '', status: 'open', severity: 'warning', openedAtMs: 0, lastAnomalyAtMs: 0, acknowledgedAtMs: null, resolvedAtMs: null, anomalyCount: 1, maxScore: 0.7 },
  undefined,
);
const options: WebhookNotifierOptions = { secret: 'notifier-test-secret', maxAttempts: 3, initialBackoffMs: 20, maxBackoffMs: 100, timeoutMs: 200, queueSize: 3, concurrency: 1 };

/** A real receiver that answers with `status`, or never answers when status is null. */
const startReceiver = async (status: number | null) => {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    requests += 1;
    request.resume();
    if (status !== null) response.writeHead(status).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    requests: () => requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};

const counterValue = async (counter: { get: () => Promise<{ values: { labels: Record<string, unknown>; value: number }[] }> }, label: string, value: string) =>
  (await counter.get()).values.find((entry) => entry.labels[label] === value)?.value ?? 0;

describe('WebhookNotifier against real HTTP receivers', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  const setup = (overrides: Partial<WebhookNotifierOptions> = {}) => {
    const metrics = createAnomalyMetrics(new Registry(), () => 0, () => notifier.depth);
    const notifier = new WebhookNotifier({ ...options, ...overrides }, metrics, createLogger('notifier-test', 'silent'));
    cleanups.push(() => notifier.drain(0));
    return { notifier, metrics };
  };

  it('never blocks the caller: a hung receiver fills the bounded queue, and the overflow is dropped and counted', async () => {
    const receiver = await startReceiver(null);
    cleanups.push(receiver.close);
    const { notifier, metrics } = setup({ timeoutMs: 10_000 });
    const accepted = Array.from({ length: 6 }, () => notifier.enqueue([receiver.url], payload));
    // One in flight (concurrency 1), three queued, the rest refused.
    expect(accepted).toEqual([true, true, true, true, false, false]);
    expect(notifier.depth).toBe(4);
    expect(await counterValue(metrics.webhookDeliveries, 'outcome', 'dropped')).toBe(2);
  });

  it('retries a failing receiver with backoff, then gives up and counts every failed attempt', async () => {
    const receiver = await startReceiver(500);
    cleanups.push(receiver.close);
    const { notifier, metrics } = setup();
    notifier.enqueue([receiver.url], payload);
    await waitFor(async () => ((await counterValue(metrics.webhookDeliveries, 'outcome', 'failed')) === 1 ? true : undefined), 10_000, 20);
    expect(receiver.requests()).toBe(options.maxAttempts);
    expect(await counterValue(metrics.webhookFailures, 'reason', 'http_500')).toBe(options.maxAttempts);
  });

  it.each([
    [404, 'http_404'],
    [401, 'http_401'],
  ])('does not retry a %i answer', async (status, reason) => {
    const receiver = await startReceiver(status);
    cleanups.push(receiver.close);
    const { notifier, metrics } = setup();
    notifier.enqueue([receiver.url], payload);
    await waitFor(async () => ((await counterValue(metrics.webhookDeliveries, 'outcome', 'failed')) === 1 ? true : undefined), 10_000, 20);
    expect(receiver.requests()).toBe(1);
    expect(await counterValue(metrics.webhookFailures, 'reason', reason)).toBe(1);
  });

  it('counts a receiver that does not answer in time as a timeout', async () => {
    const receiver = await startReceiver(null);
    cleanups.push(receiver.close);
    const { notifier, metrics } = setup({ maxAttempts: 1, timeoutMs: 100 });
    notifier.enqueue([receiver.url], payload);
    await waitFor(async () => ((await counterValue(metrics.webhookFailures, 'reason', 'timeout')) === 1 ? true : undefined), 10_000, 20);
    expect(await counterValue(metrics.webhookDeliveries, 'outcome', 'failed')).toBe(1);
  });
});
