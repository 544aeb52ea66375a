import { DEFAULT_EVENT_LIMITS, createEventValidator } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { mapOtlpMetrics } from './map-otlp-metrics';
import { checkOtlpJson, MAX_ANY_VALUE_DEPTH } from './otlp-json-schema';

const gauge = (point: unknown) => ({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', gauge: { dataPoints: [point] } }] }] }] });
const nestedArray = (depth: number): unknown => {
  let value: unknown = { stringValue: 'leaf' };
  for (let level = 0; level < depth; level++) value = { arrayValue: { values: [value] } };
  return value;
};

describe('checkOtlpJson', () => {
  it.each([
    ['an empty export', {}],
    ['ProtoJSON int64 as strings and non-finite doubles as words', gauge({ asDouble: 'NaN', timeUnixNano: '1795651200000000000', attributes: [{ key: 'k', value: { intValue: '7' } }] })],
    ['fields ingest does not read', { resourceMetrics: [{ schemaUrl: 'x', scopeMetrics: [{ scope: { name: 's' }, metrics: [{ name: 'a', unit: 'ms', gauge: { dataPoints: [] } }] }] }] }],
    [`attribute values nested ${MAX_ANY_VALUE_DEPTH} levels deep`, gauge({ asDouble: 1, attributes: [{ key: 'k', value: nestedArray(MAX_ANY_VALUE_DEPTH) }] })],
  ])('accepts %s', (_name, body) => {
    expect(checkOtlpJson(body)).toMatchObject({ ok: true });
  });

  // Each of these made the mapping throw (a TypeError or a stack overflow: HTTP 500) before the schema.
  it.each([
    ['a null resource', { resourceMetrics: [null] }, 'resourceMetrics[0]'],
    ['a null metric', { resourceMetrics: [{ scopeMetrics: [{ metrics: [null] }] }] }, 'resourceMetrics[0].scopeMetrics[0].metrics[0]'],
    ['a numeric metric name', { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 5 }] }] }] }, 'resourceMetrics[0].scopeMetrics[0].metrics[0].name'],
    ['a null data point', gauge(null), 'gauge.dataPoints[0]'],
    ['an object as an int64', gauge({ asInt: {} }), 'gauge.dataPoints[0].asInt'],
    ['a numeric attribute key', gauge({ asDouble: 1, attributes: [{ key: 5 }] }), 'attributes[0].key'],
    ['a number as bytes', gauge({ asDouble: 1, attributes: [{ key: 'k', value: { bytesValue: 5 } }] }), 'bytesValue'],
    ['attribute values nested too deep', gauge({ asDouble: 1, attributes: [{ key: 'k', value: nestedArray(30_000) }] }), `arrayValue: attribute values nest at most ${MAX_ANY_VALUE_DEPTH} levels`],
  ])('refuses %s, naming where', (_name, body, path) => {
    const result = checkOtlpJson(body);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(path);
  });
});

describe('mapOtlpMetrics on deeply nested protobuf attribute values', () => {
  it('maps values nested deeper than it expands as null, without recursing into them', () => {
    const mapping = mapOtlpMetrics(gauge({ asDouble: 1, timeUnixNano: 1_795_651_200_000_000_000, attributes: [{ key: 'k', value: nestedArray(50_000) }] }) as never, createEventValidator(), DEFAULT_EVENT_LIMITS, 0);
    expect(mapping.rejectedDataPoints).toBe(0);
    expect(String(mapping.events[0]?.attributes?.['k'])).toMatch(/^\[\[\[.*null.*\]\]\]$/);
  });
});
