import { describe, expect, it } from 'vitest';
import { createEventValidator, DEFAULT_EVENT_LIMITS } from '@telemetry/contracts';
import { int64ToNumber, mapOtlpMetrics, toAttributeKey, toMetricName } from './map-otlp-metrics';
import type { OtlpKeyValue, OtlpMetricsRequest } from './otlp-metrics-request';

const validate = createEventValidator();
const receivedAtMs = 1_764_000_000_000;
const timeUnixNano = '1764000000123000000';
const longLike = (value: number) => ({ toNumber: () => value });

const requestWith = (metrics: NonNullable<NonNullable<OtlpMetricsRequest['resourceMetrics']>[number]['scopeMetrics']>[number]['metrics'], resourceAttributes: OtlpKeyValue[] = [{ key: 'service.name', value: { stringValue: 'checkout' } }]): OtlpMetricsRequest => ({
  resourceMetrics: [{ resource: { attributes: resourceAttributes }, scopeMetrics: [{ metrics }] }],
});

describe('toMetricName', () => {
  it.each([
    ['http.server.request.duration', 'http.server.request.duration'],
    ['Process.CPU-Time', 'process.cpu_time'],
    ['jvm..memory.', 'jvm.memory'],
    ['2xx.responses', 'm_2xx.responses'],
    ['_private', 'm__private'],
    ['queue depth (items)', 'queue_depth__items_'],
  ])('%s → %s', (otelName, name) => {
    expect(toMetricName(otelName)).toBe(name);
  });
});

describe('toAttributeKey', () => {
  it.each([
    ['service.name', 'service.name'],
    ['http route', 'http_route'],
    ['1st', '_1st'],
    ['k8s/pod:name-x', 'k8s/pod:name-x'],
    ['ü', '_'],
    ['x'.repeat(70), 'x'.repeat(64)],
    ['__proto__', undefined],
  ])('%s → %s', (otelKey, key) => {
    expect(toAttributeKey(otelKey, 64)).toBe(key);
  });
});

describe('int64ToNumber', () => {
  it.each([
    [42, 42],
    ['42', 42],
    [longLike(7), 7],
    [null, undefined],
    [undefined, undefined],
    ['', undefined],
  ])('%j → %j', (value, expected) => {
    expect(int64ToNumber(value)).toBe(expected);
  });
});

describe('mapOtlpMetrics', () => {
  it('maps gauge and sum points to one event each, point attributes before resource attributes', () => {
    const mapping = mapOtlpMetrics(
      requestWith([
        { name: 'queue.depth', gauge: { dataPoints: [{ timeUnixNano, asInt: longLike(7), attributes: [{ key: 'service.name', value: { stringValue: 'override' } }] }] } },
        { name: 'requests', sum: { dataPoints: [{ timeUnixNano, asDouble: 2.5, attributes: [{ key: 'ok', value: { boolValue: true } }] }] } },
      ]),
      validate,
      DEFAULT_EVENT_LIMITS,
      receivedAtMs,
    );
    expect(mapping).toMatchObject({ dataPoints: 2, rejectedDataPoints: 0, reasons: [] });
    expect(mapping.events).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown, metric: 'queue.depth', value: 7, timestamp: 1_764_000_000_123, attributes: { 'service.name': 'override' } },
      { id: expect.stringMatching(/^[0-9a-f]{32}$/) as unknown, metric: 'requests', value: 2.5, timestamp: 1_764_000_000_123, attributes: { ok: true, 'service.name': 'checkout' } },
    ]);
  });

  it('maps a histogram point to count, sum and cumulative bucket events with le', () => {
    const mapping = mapOtlpMetrics(
      requestWith([{ name: 'latency', histogram: { dataPoints: [{ timeUnixNano, count: '6', sum: 900, bucketCounts: ['1', '2', '3'], explicitBounds: [10, 100] }] } }]),
      validate,
      DEFAULT_EVENT_LIMITS,
      receivedAtMs,
    );
    expect(mapping.events.map(({ metric, value, attributes }) => [metric, value, attributes?.['le'] ?? null])).toEqual([
      ['latency.count', 6, null],
      ['latency.sum', 900, null],
      ['latency.bucket', 1, '10'],
      ['latency.bucket', 3, '100'],
      ['latency.bucket', 6, '+Inf'],
    ]);
    expect(new Set(mapping.events.map((event) => event.id)).size).toBe(5);
  });

  it.each([
    ['exponentialHistogram', { exponentialHistogram: { dataPoints: [{ timeUnixNano, count: 4, sum: 10 }] } }],
    ['summary', { summary: { dataPoints: [{ timeUnixNano, count: 4, sum: 10 }] } }],
  ])('maps %s points to count and sum', (_label, metric) => {
    const mapping = mapOtlpMetrics(requestWith([{ name: 'm', ...metric }]), validate, DEFAULT_EVENT_LIMITS, receivedAtMs);
    expect(mapping.events.map(({ metric: name, value }) => [name, value])).toEqual([
      ['m.count', 4],
      ['m.sum', 10],
    ]);
  });

  it('rejects a whole point when any of its events is invalid, and counts it', () => {
    const mapping = mapOtlpMetrics(
      requestWith([
        { name: 'ok', gauge: { dataPoints: [{ timeUnixNano, asDouble: 1 }, { timeUnixNano, asDouble: 'Infinity' }, { timeUnixNano }] } },
        { name: '', gauge: { dataPoints: [{ timeUnixNano, asDouble: 1 }] } },
      ]),
      validate,
      DEFAULT_EVENT_LIMITS,
      receivedAtMs,
    );
    expect(mapping).toMatchObject({ dataPoints: 4, rejectedDataPoints: 3 });
    expect(mapping.events.map((event) => event.value)).toEqual([1]);
    expect(mapping.reasons).toEqual(['ok: value: must be a finite number', 'ok: value: must be a finite number', expect.stringMatching(/^\(unnamed metric\): metric: /)]);
    expect(mapping.rejectionReasons).toHaveLength(3);
  });

  it('uses receivedAt for a point without a time, and gives a retried export the same ids', () => {
    const request = requestWith([{ name: 'g', gauge: { dataPoints: [{ asDouble: 1 }] } }]);
    const first = mapOtlpMetrics(request, validate, DEFAULT_EVENT_LIMITS, receivedAtMs);
    const again = mapOtlpMetrics(request, validate, DEFAULT_EVENT_LIMITS, receivedAtMs);
    expect(first.events[0]?.timestamp).toBe(receivedAtMs);
    expect(again.events[0]?.id).toBe(first.events[0]?.id);
  });

  it('converts arrays, maps and bytes to strings, cuts long strings and caps the attribute count', () => {
    const many = Array.from({ length: 40 }, (_, index) => ({ key: `k${index}`, value: { intValue: String(index) } }));
    const mapping = mapOtlpMetrics(
      requestWith(
        [{ name: 'g', gauge: { dataPoints: [{ timeUnixNano, asDouble: 1, attributes: [
          { key: 'args', value: { arrayValue: { values: [{ stringValue: 'node' }, { intValue: 3 }] } } },
          { key: 'map', value: { kvlistValue: { values: [{ key: 'a', value: { boolValue: false } }] } } },
          { key: 'raw', value: { bytesValue: new Uint8Array([1, 2, 3]) } },
          { key: 'long', value: { stringValue: 'x'.repeat(300) } },
          { key: 'nan', value: { doubleValue: Number.NaN } },
        ] }] } }],
        many,
      ),
      validate,
      DEFAULT_EVENT_LIMITS,
      receivedAtMs,
    );
    const attributes = mapping.events[0]?.attributes ?? {};
    expect(attributes['args']).toBe('["node",3]');
    expect(attributes['map']).toBe('{"a":false}');
    expect(attributes['raw']).toBe('AQID');
    expect(attributes['long']).toBe('x'.repeat(256));
    expect(attributes).not.toHaveProperty('nan');
    expect(Object.keys(attributes)).toHaveLength(32);
  });
});
