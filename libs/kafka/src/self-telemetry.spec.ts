import { describe, expect, it } from 'vitest';
import { RecentCounts, RecentRates, counterIncreases, gaugeValues, type MetricReading } from './self-telemetry';

const readingOf = (values: MetricReading['values']) => ({ get: () => ({ values }) });

describe('counterIncreases', () => {
  it('reports each series as its increase since the last call, zeros included', async () => {
    let values: MetricReading['values'] = [
      { value: 0, labels: { reason: 'missing_key' } },
      { value: 3, labels: { reason: 'invalid_key' } },
    ];
    const collect = counterIncreases({ get: () => ({ values }) }, 'auth_failures');
    expect(await collect()).toEqual([
      { name: 'auth_failures', value: 0, attributes: { reason: 'missing_key' } },
      { name: 'auth_failures', value: 3, attributes: { reason: 'invalid_key' } },
    ]);
    values = [
      { value: 0, labels: { reason: 'missing_key' } },
      { value: 10, labels: { reason: 'invalid_key' } },
    ];
    expect((await collect()).map((m) => m.value)).toEqual([0, 7]);
    expect((await collect()).map((m) => m.value)).toEqual([0, 0]);
  });

  it('maps labels to attributes and leaves out the series the mapping refuses', async () => {
    const collect = counterIncreases(
      readingOf([
        { value: 2, labels: { route: 'events', reason: 'invalid_value' } },
        { value: 5, labels: { route: 'metrics', reason: 'rate_limited' } },
      ]),
      'rejections',
      (labels) => (labels['route'] === 'events' ? { reason: String(labels['reason']) } : null),
    );
    expect(await collect()).toEqual([{ name: 'rejections', value: 2, attributes: { reason: 'invalid_value' } }]);
  });
});

describe('counterIncreases merging', () => {
  it('sums the series that map to the same attributes into one measurement', async () => {
    let values: MetricReading['values'] = [
      { value: 2, labels: { stream: 'raw', reason: 'invalid_event' } },
      { value: 3, labels: { stream: 'rollup', reason: 'invalid_event' } },
    ];
    const collect = counterIncreases({ get: () => ({ values }) }, 'dead_letters', (labels) => ({ reason: String(labels['reason']) }));
    expect(await collect()).toEqual([{ name: 'dead_letters', value: 5, attributes: { reason: 'invalid_event' } }]);
    values = [
      { value: 2, labels: { stream: 'raw', reason: 'invalid_event' } },
      { value: 4, labels: { stream: 'rollup', reason: 'invalid_event' } },
    ];
    expect(await collect()).toEqual([{ name: 'dead_letters', value: 1, attributes: { reason: 'invalid_event' } }]);
  });
});

describe('gaugeValues', () => {
  it('reports current values', async () => {
    const collect = gaugeValues(readingOf([{ value: 42, labels: { partition: '1' } }]), 'consumer_lag', (labels) => ({ topic: 't', partition: Number(labels['partition']) }));
    expect(await collect()).toEqual([{ name: 'consumer_lag', value: 42, attributes: { topic: 't', partition: 1 } }]);
  });
});

describe('RecentCounts', () => {
  it('reports 0 for a series seen recently, and forgets it once it has been quiet for long', () => {
    let nowMs = 0;
    const counts = new RecentCounts({ forgetAfterMs: 1_000, nowMs: () => nowMs });
    counts.add({ source: 'a' }, 5);
    counts.add({ source: 'a' }, 2);
    expect(counts.drain('source_volume')).toEqual([{ name: 'source_volume', value: 7, attributes: { source: 'a' } }]);
    nowMs = 500;
    expect(counts.drain('source_volume')).toEqual([{ name: 'source_volume', value: 0, attributes: { source: 'a' } }]);
    nowMs = 1_001;
    expect(counts.drain('source_volume')).toEqual([]);
    expect(counts.size).toBe(0);
  });

  it('keeps at most maxSeries series', () => {
    const counts = new RecentCounts({ forgetAfterMs: 1_000, maxSeries: 1 });
    counts.add({ source: 'a' }, 1);
    counts.add({ source: 'b' }, 1);
    expect(counts.drain('source_volume').map((m) => m.attributes)).toEqual([{ source: 'a' }]);
  });
});

describe('RecentRates', () => {
  it('reports events per second over the trailing window: steady through gaps shorter than it, 0 a window after the last event', () => {
    let nowMs = 0;
    const rates = new RecentRates({ windowMs: 3_000, forgetAfterMs: 10_000, nowMs: () => nowMs });
    const valueAt = (atMs: number) => {
      nowMs = atMs;
      return rates.drain('source_volume').map((m) => m.value);
    };
    // 30 events every 3 s, reports every second.
    rates.add({ source: 'a' }, 30);
    expect(valueAt(1_000)).toEqual([10]);
    expect(valueAt(2_000)).toEqual([10]);
    expect(valueAt(3_000)).toEqual([10]);
    rates.add({ source: 'a' }, 30);
    expect(valueAt(4_000)).toEqual([10]);
    // It stops: the last upload leaves the window three reports later.
    expect(valueAt(5_000)).toEqual([10]);
    expect(valueAt(6_000)).toEqual([10]);
    expect(valueAt(7_000)).toEqual([0]);
    expect(valueAt(13_000)).toEqual([0]);
    expect(valueAt(14_001)).toEqual([]);
  });
});
