import { createHash } from 'node:crypto';
import {
  FORBIDDEN_ATTRIBUTE_KEYS,
  HISTOGRAM_BUCKET_BOUND_ATTRIBUTE,
  histogramPartName,
  type AttributeValue,
  type Attributes,
  type EventLimits,
  type EventValidator,
  type HistogramPart,
  type TelemetryEvent,
} from '@telemetry/contracts';
import type {
  OtlpAnyValue,
  OtlpDouble,
  OtlpHistogramDataPoint,
  OtlpInt64,
  OtlpKeyValue,
  OtlpMetricsRequest,
  OtlpNumberDataPoint,
} from './otlp-metrics-request';

export interface OtlpMapping {
  events: TelemetryEvent[];
  dataPoints: number;
  rejectedDataPoints: number;
  /** The first few rejections with their metric, for partial_success.error_message. */
  reasons: string[];
  /** Every rejected point's reason, without the metric (bounded categories for metrics). */
  rejectionReasons: string[];
}

const MAX_REASONS = 5;

const arrayOf = <T>(value: T[] | null | undefined): T[] => (Array.isArray(value) ? value : []);

export const int64ToNumber = (value: OtlpInt64): number | undefined => {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return value.trim() === '' ? undefined : Number(value);
  return value.toNumber();
};

const doubleToNumber = (value: OtlpDouble): number | undefined => {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'number' ? value : Number(value);
};

/** OTel metric names ("http.server.request.duration", "Process.CPU-Time") → catalog names ("process.cpu_time"). */
export const toMetricName = (otelName: string): string => {
  const segments = otelName
    .toLowerCase()
    .replace(/[^a-z0-9_.]/g, '_')
    .split('.')
    .filter((segment) => segment.length > 0);
  const name = segments.join('.');
  return /^[a-z]/.test(name) ? name : `m_${name}`;
};

/** OTel attribute keys → the attribute-key pattern: invalid characters become '_', a leading digit gets '_'. */
export const toAttributeKey = (otelKey: string, maxLength: number): string | undefined => {
  let key = otelKey.replace(/[^A-Za-z0-9_.\-/:]/g, '_');
  if (!/^[A-Za-z_]/.test(key)) key = `_${key}`;
  key = key.slice(0, maxLength);
  return FORBIDDEN_ATTRIBUTE_KEYS.has(key) ? undefined : key;
};

/** Protobuf has no nesting limit of its own: arrays and maps deeper than this become null, not a deep recursion. */
const MAX_PLAIN_VALUE_DEPTH = 16;

const plainValue = (value: OtlpAnyValue | null | undefined, depth = 0): unknown => {
  if (!value || depth > MAX_PLAIN_VALUE_DEPTH) return null;
  if (value.stringValue !== null && value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== null && value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== null && value.intValue !== undefined) return int64ToNumber(value.intValue);
  if (value.doubleValue !== null && value.doubleValue !== undefined) return doubleToNumber(value.doubleValue);
  if (value.arrayValue) return arrayOf(value.arrayValue.values).map((item) => plainValue(item, depth + 1));
  if (value.kvlistValue) {
    return Object.fromEntries(arrayOf(value.kvlistValue.values).map((kv) => [kv.key ?? '', plainValue(kv.value, depth + 1)]));
  }
  if (value.bytesValue) {
    return typeof value.bytesValue === 'string' ? value.bytesValue : Buffer.from(value.bytesValue).toString('base64');
  }
  return null;
};

/** An OTLP attribute value as an event attribute value: scalars kept, arrays and maps as JSON, long strings cut. */
const toAttributeValue = (value: OtlpAnyValue | null | undefined, maxStringLength: number): AttributeValue | undefined => {
  const plain = plainValue(value);
  if (typeof plain === 'boolean') return plain;
  if (typeof plain === 'number') return Number.isFinite(plain) ? plain : undefined;
  if (plain === null || plain === undefined) return undefined;
  const text = typeof plain === 'string' ? plain : JSON.stringify(plain);
  return text.length > maxStringLength ? text.slice(0, maxStringLength) : text;
};

/** Adds OTLP attributes to `into` until it holds maxCount keys; keys already there win. */
const addAttributes = (into: Attributes, source: OtlpKeyValue[] | null | undefined, limits: EventLimits, maxCount: number) => {
  for (const { key, value } of arrayOf(source)) {
    if (Object.keys(into).length >= maxCount) return;
    if (!key) continue;
    const sanitized = toAttributeKey(key, limits.maxAttributeKeyLength);
    const converted = toAttributeValue(value, limits.maxStringValueLength);
    if (sanitized === undefined || converted === undefined || Object.hasOwn(into, sanitized)) continue;
    into[sanitized] = converted;
  }
};

/** A deterministic id: an exporter's retry of the same point yields the same id, which downstream dedups on. */
const eventId = (metric: string, timestampMs: number, attributes: Attributes, suffix: string): string =>
  createHash('sha256').update(`${metric}\u0000${timestampMs}\u0000${JSON.stringify(attributes)}\u0000${suffix}`).digest('hex').slice(0, 32);

interface PointContext {
  metric: string;
  resourceAttributes: OtlpKeyValue[] | null | undefined;
  receivedAtMs: number;
}

/**
 * Maps an OTLP metrics export to events (ARCHITECTURE.md): gauge and sum points become one event
 * each; histogram points become `<name>.count`, `<name>.sum` and `<name>.bucket` events (one per
 * bucket, cumulative count, attribute `le` = upper bound or "+Inf"); exponential histograms and
 * summaries become count and sum. Resource and point attributes become attributes (point first).
 * A point any of whose events is invalid is rejected whole and counted in rejectedDataPoints.
 */
export const mapOtlpMetrics = (
  request: OtlpMetricsRequest,
  validate: EventValidator,
  limits: EventLimits,
  receivedAtMs: number,
): OtlpMapping => {
  const mapping: OtlpMapping = { events: [], dataPoints: 0, rejectedDataPoints: 0, reasons: [], rejectionReasons: [] };

  const reject = (metric: string, reason: string) => {
    mapping.rejectedDataPoints++;
    mapping.rejectionReasons.push(reason);
    if (mapping.reasons.length < MAX_REASONS) mapping.reasons.push(`${metric || '(unnamed metric)'}: ${reason}`);
  };

  const attributesFor = (context: PointContext, point: OtlpKeyValue[] | null | undefined, reserved: number): Attributes => {
    const attributes: Attributes = {};
    addAttributes(attributes, point, limits, limits.maxAttributes - reserved);
    addAttributes(attributes, context.resourceAttributes, limits, limits.maxAttributes - reserved);
    return attributes;
  };

  const timestampOf = (context: PointContext, timeUnixNano: OtlpInt64): number => {
    const nanos = int64ToNumber(timeUnixNano);
    return nanos && Number.isFinite(nanos) && nanos > 0 ? Math.floor(nanos / 1e6) : context.receivedAtMs;
  };

  /** Validates all events of one point; keeps them only if every one passes. */
  const emit = (context: PointContext, events: TelemetryEvent[]) => {
    mapping.dataPoints++;
    for (const event of events) {
      const result = validate(event);
      if (!result.ok) return reject(event.metric, result.reason);
    }
    for (const event of events) mapping.events.push(event);
  };

  const numberPoint = (context: PointContext, point: OtlpNumberDataPoint) => {
    const value = point.asDouble !== null && point.asDouble !== undefined ? doubleToNumber(point.asDouble) : int64ToNumber(point.asInt);
    const timestamp = timestampOf(context, point.timeUnixNano);
    const attributes = attributesFor(context, point.attributes, 0);
    emit(context, [
      { id: eventId(context.metric, timestamp, attributes, ''), metric: context.metric, value: value ?? Number.NaN, timestamp, attributes },
    ]);
  };

  const histogramPoint = (context: PointContext, point: OtlpHistogramDataPoint, withBuckets: boolean) => {
    const timestamp = timestampOf(context, point.timeUnixNano);
    // One slot stays free for `le` on bucket events.
    const attributes = attributesFor(context, point.attributes, withBuckets ? 1 : 0);
    const base = (part: HistogramPart, value: number, extra?: Attributes): TelemetryEvent => {
      const metric = histogramPartName(context.metric, part);
      const eventAttributes = extra ? { ...attributes, ...extra } : attributes;
      return { id: eventId(metric, timestamp, eventAttributes, ''), metric, value, timestamp, attributes: eventAttributes };
    };
    const events = [base('count', int64ToNumber(point.count) ?? 0)];
    const sum = doubleToNumber(point.sum);
    if (sum !== undefined) events.push(base('sum', sum));
    if (withBuckets) {
      const bounds = arrayOf(point.explicitBounds);
      let cumulative = 0;
      arrayOf(point.bucketCounts).forEach((count, index) => {
        cumulative += int64ToNumber(count) ?? 0;
        const bound = doubleToNumber(bounds[index]);
        events.push(base('bucket', cumulative, { [HISTOGRAM_BUCKET_BOUND_ATTRIBUTE]: bound === undefined ? '+Inf' : String(bound) }));
      });
    }
    emit(context, events);
  };

  for (const resourceMetrics of arrayOf(request.resourceMetrics)) {
    const resourceAttributes = resourceMetrics.resource?.attributes;
    for (const scopeMetrics of arrayOf(resourceMetrics.scopeMetrics)) {
      for (const metric of arrayOf(scopeMetrics.metrics)) {
        // An unnamed metric keeps the empty name, which the validator refuses with a reason.
        const context: PointContext = { metric: metric.name ? toMetricName(metric.name) : '', resourceAttributes, receivedAtMs };
        for (const point of arrayOf(metric.gauge?.dataPoints)) numberPoint(context, point);
        for (const point of arrayOf(metric.sum?.dataPoints)) numberPoint(context, point);
        for (const point of arrayOf(metric.histogram?.dataPoints)) histogramPoint(context, point, true);
        for (const point of arrayOf(metric.exponentialHistogram?.dataPoints)) histogramPoint(context, point, false);
        for (const point of arrayOf(metric.summary?.dataPoints)) histogramPoint(context, point, false);
      }
    }
  }
  return mapping;
};
