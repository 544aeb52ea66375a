/**
 * The parts of OTLP's ExportMetricsServiceRequest (opentelemetry/proto/collector/metrics/v1) that
 * ingest reads. Both decodings fit it: protobuf messages from the official generated code
 * (int64 as Long) and OTLP/JSON (int64 as strings or numbers, lowerCamelCase field names).
 * Everything is optional because senders omit defaults.
 */
export type OtlpInt64 = number | string | { toNumber(): number } | null | undefined;
export type OtlpDouble = number | string | null | undefined;

export interface OtlpAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: OtlpInt64;
  doubleValue?: OtlpDouble;
  arrayValue?: { values?: OtlpAnyValue[] | null } | null;
  kvlistValue?: { values?: OtlpKeyValue[] | null } | null;
  bytesValue?: Uint8Array | string | null;
}

export interface OtlpKeyValue {
  key?: string | null;
  value?: OtlpAnyValue | null;
}

interface OtlpPointBase {
  attributes?: OtlpKeyValue[] | null;
  timeUnixNano?: OtlpInt64;
}

export interface OtlpNumberDataPoint extends OtlpPointBase {
  asDouble?: OtlpDouble;
  asInt?: OtlpInt64;
}

/** Histogram, exponential histogram and summary points all carry count and sum. */
export interface OtlpHistogramDataPoint extends OtlpPointBase {
  count?: OtlpInt64;
  sum?: OtlpDouble;
  bucketCounts?: OtlpInt64[] | null;
  explicitBounds?: OtlpDouble[] | null;
}

interface OtlpPoints<P> {
  dataPoints?: P[] | null;
}

export interface OtlpMetric {
  name?: string | null;
  gauge?: OtlpPoints<OtlpNumberDataPoint> | null;
  sum?: OtlpPoints<OtlpNumberDataPoint> | null;
  histogram?: OtlpPoints<OtlpHistogramDataPoint> | null;
  exponentialHistogram?: OtlpPoints<OtlpHistogramDataPoint> | null;
  summary?: OtlpPoints<OtlpHistogramDataPoint> | null;
}

export interface OtlpResourceMetrics {
  resource?: { attributes?: OtlpKeyValue[] | null } | null;
  scopeMetrics?: { metrics?: OtlpMetric[] | null }[] | null;
}

export interface OtlpMetricsRequest {
  resourceMetrics?: OtlpResourceMetrics[] | null;
}
