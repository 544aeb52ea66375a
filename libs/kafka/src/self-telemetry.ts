import { randomUUID } from 'node:crypto';
import { RESERVED_METRIC_PREFIX, type Attributes, type RawEnvelope } from '@telemetry/contracts';
import type { BatchProducer } from './batch-producer';

/** The source id under which the services report on themselves. */
export const SELF_SOURCE_ID = 'telemetry-self';

/** Every self metric is `telemetry.self.<name>`: the namespace reserved for this source. */
export const SELF_METRIC_PREFIX = RESERVED_METRIC_PREFIX;

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
  /** 0 or less turns reporting off (SELF_TELEMETRY_INTERVAL_MS=0). */
  intervalMs?: number;
  /** How long stop() waits for the last report: with Kafka down it would otherwise hold up shutdown. */
  stopTimeoutMs?: number;
  onError?: (error: unknown) => void;
}

export interface SelfTelemetry {
  /** Stops the timer, waits for a report in flight, then sends a last one (what happened since), within stopTimeoutMs. */
  stop: () => Promise<void>;
}

/**
 * Feeds a service's own operational figures back into the pipeline as `telemetry.self.*` events
 * (purpose "none"), produced straight onto telemetry.raw.v1 like any other Kafka producer, so a
 * burst of failed logins or a drop in a source's volume becomes an anomaly and an incident.
 */
export const startSelfTelemetry = (options: SelfTelemetryOptions): SelfTelemetry => {
  const intervalMs = options.intervalMs ?? 10_000;
  if (intervalMs <= 0) return { stop: () => Promise.resolve() };
  const report = async () => {
    const measurements = await options.collect();
    if (measurements.length === 0) return;
    const now = Date.now();
    const envelope: RawEnvelope = {
      sourceId: SELF_SOURCE_ID,
      receivedAt: new Date(now).toISOString(),
      events: measurements.map((m) => ({
        id: randomUUID(),
        metric: `${SELF_METRIC_PREFIX}${m.name}`,
        value: m.value,
        timestamp: now,
        attributes: { service: options.service, ...m.attributes },
      })),
    };
    await options.producer.send([{ topic: options.rawTopic, messages: [{ key: SELF_SOURCE_ID, value: JSON.stringify(envelope) }] }]);
  };
  let running: Promise<void> | null = null;
  const tick = () => {
    // While Kafka is slow a report can outlast the interval: skip the tick instead of piling up
    // sends. Counters lose nothing by it (the next report carries the delta), gauges skip a point.
    if (running) return;
    running = report()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      const last = (async () => {
        await running;
        await report().catch((error: unknown) => options.onError?.(error));
      })();
      let timeout: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<void>((resolve) => {
        timeout = setTimeout(resolve, options.stopTimeoutMs ?? 5_000);
      });
      await Promise.race([last, gaveUp]);
      clearTimeout(timeout);
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

/**
 * What prom-client's `counter.get()` / `gauge.get()` return, reduced to what self-telemetry reads
 * (structural, so this lib needs no prom-client): the services' /metrics counters are the one set
 * of figures, and self-telemetry reports from them.
 */
export interface MetricReading {
  values: ReadonlyArray<{ value: number; labels: Readonly<Record<string, string | number | undefined>> }>;
}
export interface ReadableMetric {
  get(): Promise<MetricReading> | MetricReading;
}

/** Maps a series' Prometheus labels to the self metric's attributes; null leaves the series out. */
export type LabelsToAttributes = (labels: Readonly<Record<string, string | number | undefined>>) => Attributes | null;

const copyLabels: LabelsToAttributes = (labels) => {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(labels)) if (value !== undefined) attributes[key] = value;
  return attributes;
};

const labelsKey = (labels: Readonly<Record<string, string | number | boolean | undefined>>): string =>
  Object.keys(labels)
    .sort()
    .map((key) => `${key}=${String(labels[key])}`)
    .join('\u0000');

/**
 * Label sets that map to the same attributes become one measurement, their values summed: two
 * points of one series at one instant would be one too many (the detector skips the second as a
 * replay, and a rollup would average them).
 */
const mergeByAttributes = (name: string, entries: Iterable<{ value: number; attributes: Attributes }>): SelfMeasurement[] => {
  const merged = new Map<string, SelfMeasurement>();
  for (const { value, attributes } of entries) {
    const key = labelsKey(attributes);
    const existing = merged.get(key);
    if (existing) existing.value += value;
    else merged.set(key, { name, value, attributes });
  }
  return [...merged.values()];
};

/**
 * Each series of a counter as its increase since the previous call, zeros included: a series the
 * counter knows (prom-client keeps every label set it has seen, and the services pre-create theirs
 * at 0) reports a point every interval, so its detector has a baseline and a burst stands out.
 */
export const counterIncreases = (counter: ReadableMetric, name: string, toAttributes: LabelsToAttributes = copyLabels) => {
  const deltas = createDeltaTracker();
  return async (): Promise<SelfMeasurement[]> => {
    const reading = await counter.get();
    const increases: { value: number; attributes: Attributes }[] = [];
    for (const { value, labels } of reading.values) {
      const attributes = toAttributes(labels);
      // The delta is tracked per Prometheus series even when left out, so it never jumps later.
      const increase = deltas(labelsKey(labels), value);
      if (attributes !== null) increases.push({ value: increase, attributes });
    }
    return mergeByAttributes(name, increases);
  };
};

/** Each series of a gauge as its current value (summed where several map to the same attributes). */
export const gaugeValues = (gauge: ReadableMetric, name: string, toAttributes: LabelsToAttributes = copyLabels) =>
  async (): Promise<SelfMeasurement[]> => {
    const reading = await gauge.get();
    const values: { value: number; attributes: Attributes }[] = [];
    for (const { value, labels } of reading.values) {
      const attributes = toAttributes(labels);
      if (attributes !== null) values.push({ value, attributes });
    }
    return mergeByAttributes(name, values);
  };

export interface RecentCountsOptions {
  /** A series with nothing counted for this long stops being reported (the sender is gone for good). */
  forgetAfterMs: number;
  /** Bound on tracked series (memory); beyond it new series are ignored until old ones are forgotten. */
  maxSeries?: number;
  nowMs?: () => number;
}

/** What both trackers keep per series: its attributes and when something was last counted. */
interface TrackedSeries {
  attributes: Attributes;
  lastCountedMs: number;
}

/**
 * The series table RecentCounts and RecentRates share: keyed by attributes, bounded by
 * `maxSeries` (new series are ignored while it is full), and forgetting a series once nothing was
 * counted for `forgetAfterMs` and it has nothing left to report.
 */
class RecentSeries<Entry extends TrackedSeries> {
  private readonly entries = new Map<string, Entry>();
  private readonly maxSeries: number;
  readonly nowMs: () => number;

  constructor(private readonly options: RecentCountsOptions) {
    this.maxSeries = options.maxSeries ?? 10_000;
    this.nowMs = options.nowMs ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The series' entry, created with `create` when new; undefined when the table is full. */
  touch(attributes: Attributes, create: (attributes: Attributes, nowMs: number) => Entry): Entry | undefined {
    const key = labelsKey(attributes);
    const now = this.nowMs();
    const entry = this.entries.get(key);
    if (entry) {
      entry.lastCountedMs = now;
      return entry;
    }
    if (this.entries.size >= this.maxSeries) return undefined;
    const created = create(attributes, now);
    this.entries.set(key, created);
    return created;
  }

  /** Visits every series; one for which `measure` returns 0 and that was quiet long enough is forgotten. */
  drain(name: string, measure: (entry: Entry, nowMs: number) => number): SelfMeasurement[] {
    const now = this.nowMs();
    const measurements: SelfMeasurement[] = [];
    for (const [key, entry] of this.entries) {
      const value = measure(entry, now);
      if (value === 0 && now - entry.lastCountedMs > this.options.forgetAfterMs) {
        this.entries.delete(key);
        continue;
      }
      measurements.push({ name, value, attributes: entry.attributes });
    }
    return measurements;
  }
}

interface CountedSeries extends TrackedSeries {
  count: number;
}

/**
 * Counts per series (e.g. events per source) between reports, for figures whose label sets are
 * too many or too short-lived for Prometheus. A series counted within `forgetAfterMs` is reported
 * every interval, 0 when nothing happened: a source that stops sending shows up as a drop to 0,
 * which its detector can see, rather than as silence, which nothing can.
 */
export class RecentCounts {
  private readonly series: RecentSeries<CountedSeries>;

  constructor(options: RecentCountsOptions) {
    this.series = new RecentSeries(options);
  }

  get size(): number {
    return this.series.size;
  }

  add(attributes: Attributes, count: number): void {
    if (count <= 0) return;
    const entry = this.series.touch(attributes, (attrs, nowMs) => ({ attributes: attrs, count: 0, lastCountedMs: nowMs }));
    if (entry) entry.count += count;
  }

  /** The counts since the last call, as `name` measurements, and a fresh interval. */
  drain(name: string): SelfMeasurement[] {
    return this.series.drain(name, (entry) => {
      const count = entry.count;
      entry.count = 0;
      return count;
    });
  }
}

export interface RecentRatesOptions extends RecentCountsOptions {
  /** The rate reported is over this trailing window: longer than any sender's usual gap between uploads. */
  windowMs: number;
}

interface RatedSeries extends TrackedSeries {
  /** Counted since the last drain. */
  pending: number;
  /** What earlier drains closed, oldest first, inside the window. */
  closed: { atMs: number; count: number }[];
}

/**
 * Per series (e.g. per source), events per second over a trailing window, measured at each report.
 * A sender that uploads in bursts (an OTel exporter every 60 s, an SDK flushing when it can) keeps a
 * steady rate as long as its gaps are shorter than the window, while one that stops declines to 0
 * within a window; and the figure does not depend on the report interval. Series are reported, 0
 * when quiet, until `forgetAfterMs` after their last event.
 */
export class RecentRates {
  private readonly series: RecentSeries<RatedSeries>;
  private readonly windowMs: number;

  constructor(options: RecentRatesOptions) {
    if (!(options.windowMs > 0)) throw new RangeError(`windowMs must be positive, got ${options.windowMs}`);
    this.series = new RecentSeries(options);
    this.windowMs = options.windowMs;
  }

  get size(): number {
    return this.series.size;
  }

  add(attributes: Attributes, count: number): void {
    if (count <= 0) return;
    const entry = this.series.touch(attributes, (attrs, nowMs) => ({ attributes: attrs, pending: 0, closed: [], lastCountedMs: nowMs }));
    if (entry) entry.pending += count;
  }

  /** Each series' rate over the window ending now, as `name` measurements in events per second. */
  drain(name: string): SelfMeasurement[] {
    return this.series.drain(name, (entry, nowMs) => {
      entry.closed.push({ atMs: nowMs, count: entry.pending });
      entry.pending = 0;
      const windowStartMs = nowMs - this.windowMs;
      while (entry.closed.length > 0 && entry.closed[0]!.atMs <= windowStartMs) entry.closed.shift();
      let count = 0;
      for (const interval of entry.closed) count += interval.count;
      return count / (this.windowMs / 1_000);
    });
  }
}
