import { randomUUID } from 'node:crypto';
import type { Logger } from '@telemetry/service-runtime';
import type { AnomalyMetrics } from '../ops/anomaly-metrics';
import { backoffDelayMs, isRetriableStatus } from './backoff-delay';
import type { NotificationPayload } from './build-notification';
import { SIGNATURE_HEADER, signPayload } from './sign-payload';

export interface WebhookNotifierOptions {
  secret: string;
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
  timeoutMs: number;
  queueSize: number;
  concurrency: number;
}

interface Delivery {
  id: string;
  url: string;
  event: string;
  body: string;
  attempt: number;
  dueAtMs: number;
}

type AttemptOutcome = { ok: true } | { ok: false; status: number | null; reason: string };

/**
 * Delivers notifications in the background: enqueue() returns at once, so a slow or dead receiver
 * never delays detection. The queue is bounded (beyond it deliveries are dropped and counted);
 * failed attempts are retried with exponential backoff, and every failure shows in the metrics.
 */
export class WebhookNotifier {
  private readonly queue: Delivery[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly options: WebhookNotifierOptions,
    private readonly metrics: AnomalyMetrics,
    private readonly logger: Logger,
  ) {}

  get depth(): number {
    return this.queue.length + this.inFlight;
  }

  /** Queues one POST per URL; false for every delivery the full queue refused. */
  enqueue(urls: readonly string[], payload: NotificationPayload): boolean {
    const body = JSON.stringify(payload);
    let accepted = true;
    for (const url of urls) {
      if (this.stopped || this.queue.length >= this.options.queueSize) {
        this.metrics.webhookDeliveries.inc({ outcome: 'dropped' });
        accepted = false;
        continue;
      }
      this.queue.push({ id: randomUUID(), url, event: payload.event, body, attempt: 1, dueAtMs: Date.now() });
    }
    this.pump();
    return accepted;
  }

  /** Waits until nothing is queued or in flight, or the timeout passes; then stops retrying. */
  async drain(timeoutMs: number): Promise<void> {
    if (this.depth > 0) {
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref()),
      ]);
    }
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.queue.length > 0) {
      this.metrics.webhookDeliveries.inc({ outcome: 'abandoned' }, this.queue.length);
      this.logger.warn({ abandoned: this.queue.length }, 'webhook deliveries abandoned at shutdown');
      this.queue.length = 0;
    }
  }

  private pump(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const now = Date.now();
    while (!this.stopped && this.inFlight < this.options.concurrency) {
      const index = this.queue.findIndex((delivery) => delivery.dueAtMs <= now);
      if (index < 0) break;
      const [delivery] = this.queue.splice(index, 1);
      if (!delivery) break;
      this.inFlight += 1;
      void this.attempt(delivery).finally(() => {
        this.inFlight -= 1;
        this.pump();
      });
    }
    if (!this.stopped && this.queue.length > 0 && this.inFlight < this.options.concurrency) {
      const nextDueMs = Math.min(...this.queue.map((delivery) => delivery.dueAtMs));
      this.timer = setTimeout(() => this.pump(), Math.max(0, nextDueMs - now));
      this.timer.unref();
    }
    if (this.depth === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      waiters.forEach((resolve) => resolve());
    }
  }

  private async attempt(delivery: Delivery): Promise<void> {
    const outcome = await this.post(delivery);
    if (outcome.ok) {
      this.metrics.webhookDeliveries.inc({ outcome: 'delivered' });
      return;
    }
    this.metrics.webhookFailures.inc({ reason: outcome.reason });
    const retriable = isRetriableStatus(outcome.status);
    if (retriable && delivery.attempt < this.options.maxAttempts && !this.stopped) {
      const delayMs = backoffDelayMs(delivery.attempt, this.options.initialBackoffMs, this.options.maxBackoffMs, Math.random());
      this.queue.push({ ...delivery, attempt: delivery.attempt + 1, dueAtMs: Date.now() + delayMs });
      return;
    }
    this.metrics.webhookDeliveries.inc({ outcome: 'failed' });
    this.logger.warn(
      { deliveryId: delivery.id, event: delivery.event, host: hostOf(delivery.url), attempts: delivery.attempt, reason: outcome.reason },
      'webhook delivery failed',
    );
  }

  private async post(delivery: Delivery): Promise<AttemptOutcome> {
    // A malformed URL in the catalog never becomes valid by retrying; status 0 is not retriable.
    if (!URL.canParse(delivery.url)) return { ok: false, status: 0, reason: 'invalid_url' };
    let response: Response;
    try {
      response = await fetch(delivery.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'telemetry-anomaly',
          [SIGNATURE_HEADER]: signPayload(this.options.secret, delivery.body),
          'x-telemetry-event': delivery.event,
          // The same id on every retry, so a receiver can drop a delivery it already processed.
          'x-telemetry-delivery': delivery.id,
        },
        body: delivery.body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      return { ok: false, status: null, reason: timedOut ? 'timeout' : 'network' };
    }
    // Read the body so the connection returns to the keep-alive pool.
    await response.arrayBuffer().catch((error: unknown) => this.logger.debug({ err: error }, 'webhook response body unreadable'));
    if (response.ok) return { ok: true };
    return { ok: false, status: response.status, reason: `http_${response.status}` };
  }
}

const hostOf = (url: string): string => (URL.canParse(url) ? new URL(url).host : 'invalid-url');
