import { describe, expect, it } from 'vitest';
import { createHistogramPartLookup, histogramPartName, withHistogramParts } from './histogram-parts';
import type { MetricDefinition } from './metric-definition';

const latency: MetricDefinition = {
  name: 'http.server.duration',
  type: 'histogram',
  unit: 'ms',
  description: 'Server request duration.',
  owner: 'web',
  hypothesis: 'Slow pages lose checkouts.',
  action: 'Page the web team.',
  purpose: 'performance',
  expires: '2027-06-30',
  attributes: ['route', 'region'],
  alert: { above: 500 },
  budget: { eventsPerDay: 1_000_000 },
  retentionDays: 30,
};
const declaredCount: MetricDefinition = { ...latency, name: 'queue.depth.count', type: 'gauge', unit: '1', attributes: [] };
const catalog = new Map<string, MetricDefinition>([
  [latency.name, latency],
  ['queue.depth', { ...latency, name: 'queue.depth', type: 'gauge' }],
  [declaredCount.name, declaredCount],
]);

describe('createHistogramPartLookup', () => {
  const lookup = createHistogramPartLookup((name) => catalog.get(name));

  it('derives the three OTLP parts of a declared histogram from its definition', () => {
    const { alert: _thresholds, ...inherited } = latency;
    expect(lookup(histogramPartName(latency.name, 'count'))).toEqual({
      ...inherited,
      name: 'http.server.duration.count',
      type: 'counter',
      unit: '1',
      description: 'Server request duration. (OTLP histogram count of http.server.duration)',
    });
    expect(lookup('http.server.duration.sum')).toMatchObject({ type: 'counter', unit: 'ms', purpose: 'performance', attributes: ['route', 'region'] });
    // Buckets carry their upper bound.
    expect(lookup('http.server.duration.bucket')?.attributes).toEqual(['route', 'region', 'le']);
  });

  it('gives parts no alert rules: a threshold on durations means nothing for counts', () => {
    expect(lookup('http.server.duration.count')).not.toHaveProperty('alert');
  });

  it('answers the same object while the histogram is unchanged', () => {
    expect(lookup('http.server.duration.bucket')).toBe(lookup('http.server.duration.bucket'));
    const changed = new Map(catalog).set(latency.name, { ...latency, attributes: ['route'] });
    const after = createHistogramPartLookup((name) => changed.get(name));
    expect(after('http.server.duration.bucket')?.attributes).toEqual(['route', 'le']);
  });

  it.each([
    ['a part of a metric that is not a histogram', 'queue.depth.sum'],
    ['a part of an undeclared metric', 'nothing.here.count'],
    ['a name without a part suffix', 'http.server.duration.p99'],
    ['a bare part name', 'count'],
  ])('knows nothing of %s', (_label, name) => {
    expect(lookup(name)).toBeUndefined();
  });
});

describe('withHistogramParts', () => {
  it('adds the parts of each histogram, keeping a part declared under its own name as declared', () => {
    const queue: MetricDefinition = { ...latency, name: 'queue.wait', attributes: [] };
    const declaredSum: MetricDefinition = { ...latency, name: 'queue.wait.sum', type: 'gauge', retentionDays: 7 };
    const expanded = withHistogramParts([latency, queue, declaredSum]);
    expect(expanded.map(({ name }) => name).sort()).toEqual([
      'http.server.duration',
      'http.server.duration.bucket',
      'http.server.duration.count',
      'http.server.duration.sum',
      'queue.wait',
      'queue.wait.bucket',
      'queue.wait.count',
      'queue.wait.sum',
    ]);
    expect(expanded.find(({ name }) => name === 'queue.wait.sum')).toBe(declaredSum);
    expect(expanded.find(({ name }) => name === 'http.server.duration.bucket')?.retentionDays).toBe(30);
  });
});
