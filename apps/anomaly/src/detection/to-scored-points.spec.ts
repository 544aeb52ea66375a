import type { MetricDefinition } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { cleanEnvelopeToPoints, rollupToPoint } from './to-scored-points';

const BUCKET = '2026-01-01T00:00:00.000Z';
const BUCKET_MS = Date.parse(BUCKET);
const rollup = (overrides: Record<string, unknown>) => ({
  metric: 'checkout.latency',
  series: 'region=eu',
  bucketStart: BUCKET,
  bucketSeconds: 60,
  count: 4,
  sum: 100,
  min: 10,
  max: 40,
  quantiles: { p50: 20, p95: 38, p99: 40 },
  ...overrides,
});

describe('rollupToPoint', () => {
  it.each([
    ['the mean of a measured bucket', rollup({}), { kind: 'ok', value: { metric: 'checkout.latency', series: 'region=eu', atMs: BUCKET_MS, value: 25 } }],
    ['the derived value when present', rollup({ value: 7.5 }), { kind: 'ok', value: { metric: 'checkout.latency', series: 'region=eu', atMs: BUCKET_MS, value: 7.5 } }],
    ['no point for a derived bucket without a value', rollup({ value: null }), { kind: 'ok', value: null }],
  ])('gives %s', (_name, input, expected) => {
    expect(rollupToPoint(input)).toEqual(expected);
  });

  it.each([
    ['a record missing fields', { metric: 'x' }, 'invalid_rollup'],
    ['a bucket start that is not a time', rollup({ bucketStart: 'yesterday' }), 'invalid_bucket_start'],
    ['an empty bucket', rollup({ count: 0, sum: 0 }), 'empty_bucket'],
    ['a non-object', 'hello', 'invalid_rollup'],
  ])('rejects %s', (_name, input, reason) => {
    expect(rollupToPoint(input)).toMatchObject({ kind: 'reject', reason });
  });
});

describe('cleanEnvelopeToPoints', () => {
  const catalog: Record<string, MetricDefinition> = {
    'cpu.load': { name: 'cpu.load', type: 'gauge', description: 'CPU', attributes: ['host'], highResolution: true },
    'page.views': { name: 'page.views', type: 'counter', description: 'Views', attributes: [] },
  };
  const definitionOf = (metric: string) => catalog[metric];
  const event = (overrides: Record<string, unknown>) => ({ id: 'e1', metric: 'cpu.load', value: 0.5, timestamp: BUCKET, attributes: { host: 'a', pid: 7 }, ...overrides });

  it.each([
    [
      'a high-resolution event becomes a point keyed by its declared attributes only',
      [event({})],
      { points: [{ metric: 'cpu.load', series: 'host=a', atMs: BUCKET_MS, value: 0.5 }], rejected: [] },
    ],
    ['an event of a rollup-only metric is passed over', [event({ metric: 'page.views' })], { points: [], rejected: [] }],
    ['an event of an unknown metric is passed over', [event({ metric: 'no.such' })], { points: [], rejected: [] }],
    ['epoch-millisecond timestamps are accepted', [event({ timestamp: BUCKET_MS + 5 })], { points: [{ metric: 'cpu.load', series: 'host=a', atMs: BUCKET_MS + 5, value: 0.5 }], rejected: [] }],
  ])('%s', (_name, events, expected) => {
    expect(cleanEnvelopeToPoints({ sourceId: 's1', receivedAt: BUCKET, events }, definitionOf)).toEqual(expected);
  });

  it.each([
    ['an envelope without events', { sourceId: 's1', receivedAt: BUCKET }, 'invalid_envelope'],
    ['an invalid event', { sourceId: 's1', receivedAt: BUCKET, events: [{ id: 'e1' }] }, 'invalid_event'],
    ['an unparseable timestamp', { sourceId: 's1', receivedAt: BUCKET, events: [event({ timestamp: 'soon' })] }, 'invalid_timestamp'],
  ])('dead-letters %s', (_name, envelope, reason) => {
    const result = cleanEnvelopeToPoints(envelope, definitionOf);
    expect(result.points).toEqual([]);
    expect(result.rejected.map((rejected) => rejected.reason)).toEqual([reason]);
  });
});
