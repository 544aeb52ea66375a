import { EARLIEST_TIMESTAMP_MS } from './parse-timestamp';

/**
 * The one definition of which event times the pipeline takes: from 2000-01-01T00:00:00Z (earlier is
 * a unit mistake, see parse-timestamp.ts) to `maxFutureMs` ahead of the pipeline's clock (clocks
 * drift, but data_points partitions exist only a few days ahead). Ingest refuses events outside it
 * in its answer; the privacy filter dead-letters those a direct Kafka producer writes. Both use the
 * reason below.
 */
export const TIMESTAMP_OUT_OF_RANGE = 'timestamp_out_of_range';

/** The default of `maxFutureMs` (INGEST_MAX_FUTURE_MS, PRIVACY_MAX_FUTURE_MS): one day. */
export const DEFAULT_MAX_FUTURE_MS = 24 * 60 * 60 * 1_000;

export interface EventTimeWindow {
  /** How far ahead of the clock an event may be stamped. */
  readonly maxFutureMs: number;
  /** The pipeline's clock, epoch ms; Date.now unless a test fixes it. */
  readonly now?: () => number;
}

/** Whether a parsed timestamp (epoch ms) lies inside the window at `nowMs`. */
export const isWithinEventTimeWindow = (timestampMs: number, nowMs: number, maxFutureMs: number): boolean =>
  timestampMs >= EARLIEST_TIMESTAMP_MS && timestampMs <= nowMs + maxFutureMs;

const HOUR_MS = 60 * 60 * 1_000;

const formatDuration = (ms: number): string =>
  ms % HOUR_MS === 0 ? `${ms / HOUR_MS} h` : ms % 1_000 === 0 ? `${ms / 1_000} s` : `${ms} ms`;

/** "accepted from 2000-01-01T00:00:00Z to 24 h after the pipeline's clock": what a sender needs to fix its clock or unit. */
export const describeEventTimeWindow = (maxFutureMs: number): string =>
  `accepted from ${new Date(EARLIEST_TIMESTAMP_MS).toISOString().replace('.000', '')} to ${formatDuration(maxFutureMs)} after the pipeline's clock`;
