import { randomUUID } from 'node:crypto';
import type { Attributes, RawEnvelope } from '@telemetry/contracts';
import type { BatchProducer } from './batch-producer';

/** The source id under which the services report on themselves. */
export const SELF_SOURCE_ID = 'telemetry-self';

export interface SelfMeasurement {
  /** Without the prefix: 'auth_failures' becomes 'telemetry.self.auth_failures'. */
  name: string;
  value: number;
  attributes?: Attributes;
}

export interface SelfTelemetryOptions {
  producer: BatchProducer;
  rawTopic: string;
  service: string;
  /** Returns what happened since the last call (counters as deltas, gauges as current values). */
  collect: () => Promise<SelfMeasurement[]> | SelfMeasurement[];
  intervalMs?: number;
  onError?: (error: unknown) => void;
}

/**
 * Feeds a service's own operational figures back into the pipeline as `telemetry.self.*` events
 * (purpose "none"), produced straight onto telemetry.raw.v1 like any other Kafka producer, so a
 * burst of failed logins or a drop in a source's volume becomes an anomaly and an incident.
 */
export const startSelfTelemetry = (options: SelfTelemetryOptions): { stop: () => Promise<void> } => {
  const report = async () => {
    const measurements = await options.collect();
    if (measurements.length === 0) return;
    const now = Date.now();
    const envelope: RawEnvelope = {
      sourceId: SELF_SOURCE_ID,
      receivedAt: new Date(now).toISOString(),
      events: measurements.map((m) => ({
        id: randomUUID(),
        metric: `telemetry.self.${m.name}`,
        value: m.value,
        timestamp: now,
        attributes: { service: options.service, ...m.attributes },
      })),
    };
    await options.producer.send([{ topic: options.rawTopic, messages: [{ key: SELF_SOURCE_ID, value: JSON.stringify(envelope) }] }]);
  };
  let running: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    running = report().catch((error: unknown) => options.onError?.(error));
  }, options.intervalMs ?? 10_000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      await report().catch((error: unknown) => options.onError?.(error));
    },
  };
};

/** Turns monotonically growing counters into per-interval deltas for self-telemetry. */
export const createDeltaTracker = () => {
  const last = new Map<string, number>();
  return (key: string, total: number): number => {
    const previous = last.get(key) ?? 0;
    last.set(key, total);
    return Math.max(0, total - previous);
  };
};
