import { Value } from '@sinclair/typebox/value';
import {
  EventEnvelopeSchema,
  EventSchema,
  ok,
  parseTimestampMs,
  reject,
  RollupRecordSchema,
  seriesKey,
  type MetricDefinition,
  type StepResult,
} from '@telemetry/contracts';

/** Which topic a detector learns from: 1-minute rollups, or raw points of high-resolution metrics. */
export type DetectorStream = 'rollup' | 'raw';

/** One value of one series at one time, ready for its detector. */
export interface ScoredPoint {
  metric: string;
  series: string;
  atMs: number;
  value: number;
}

export interface RejectedInput {
  reason: string;
  detail?: string;
  /** What the dead letter carries: the record as parsed, or the raw text when it did not parse. */
  payload: unknown;
}

/**
 * A metrics.rollup.v1 value as the point its detector scores: the derived `value` when the formula
 * produced one, else the bucket's mean. A derived bucket whose formula had no value (division by a
 * zero rate) is not a point.
 */
export const rollupToPoint = (payload: unknown): StepResult<ScoredPoint | null> => {
  if (!Value.Check(RollupRecordSchema, payload)) return reject('invalid_rollup', firstError(RollupRecordSchema, payload));
  const atMs = parseTimestampMs(payload.bucketStart);
  if (atMs === null) return reject('invalid_bucket_start', payload.bucketStart);
  if (payload.value === null) return ok(null);
  if (payload.value !== undefined) return ok({ metric: payload.metric, series: payload.series, atMs, value: payload.value });
  if (!(payload.count > 0)) return reject('empty_bucket', `count ${payload.count}`);
  const value = payload.sum / payload.count;
  if (!Number.isFinite(value)) return reject('non_finite_value', `sum ${payload.sum} / count ${payload.count}`);
  return ok({ metric: payload.metric, series: payload.series, atMs, value });
};

export interface RawPoints {
  points: ScoredPoint[];
  rejected: RejectedInput[];
}

/**
 * The raw points of a telemetry.clean.v1 envelope that belong to high-resolution metrics. Other
 * metrics are scored from their rollups only, so their events are passed over, not rejected.
 */
export const cleanEnvelopeToPoints = (payload: unknown, definitionOf: (metric: string) => MetricDefinition | undefined): RawPoints => {
  if (!Value.Check(EventEnvelopeSchema, payload)) {
    return { points: [], rejected: [{ reason: 'invalid_envelope', detail: firstError(EventEnvelopeSchema, payload), payload }] };
  }
  const points: ScoredPoint[] = [];
  const rejected: RejectedInput[] = [];
  for (const event of payload.events) {
    if (!Value.Check(EventSchema, event)) {
      rejected.push({ reason: 'invalid_event', detail: firstError(EventSchema, event), payload: event });
      continue;
    }
    const definition = definitionOf(event.metric);
    if (definition?.highResolution !== true) continue;
    const atMs = parseTimestampMs(event.timestamp);
    if (atMs === null) {
      rejected.push({ reason: 'invalid_timestamp', detail: String(event.timestamp), payload: event });
      continue;
    }
    if (!Number.isFinite(event.value)) {
      rejected.push({ reason: 'non_finite_value', payload: event });
      continue;
    }
    points.push({ metric: event.metric, series: seriesKey(event.attributes, definition.attributes), atMs, value: event.value });
  }
  return { points, rejected };
};

const firstError = (schema: Parameters<typeof Value.Errors>[0], value: unknown): string => {
  const error = Value.Errors(schema, value).First();
  return error ? `${error.path || '/'}: ${error.message}` : 'does not match the schema';
};
