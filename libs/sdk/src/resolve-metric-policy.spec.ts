import { describe, expect, it } from 'vitest';
import { indexCatalog, isSampledIn, resolveMetricPolicy, type PolicyOverrides, type ResolvedMetricPolicy } from './resolve-metric-policy';
import type { CatalogInput } from './telemetry-types';

const catalogAsMap: CatalogInput = {
  'checkout.latency': { purpose: 'performance', sampleRate: 0.25 },
  'app.crash': { purpose: 'none', urgent: true },
};
const catalogAsList: CatalogInput = [
  { name: 'checkout.latency', purpose: 'performance', sampleRate: 0.25 },
  { name: 'app.crash', purpose: 'none', urgent: true },
];
const overrides = (partial: Partial<PolicyOverrides> = {}): PolicyOverrides => ({
  defaultPurpose: 'analytics',
  sampling: {},
  urgentMetrics: new Set(),
  ...partial,
});

describe('resolveMetricPolicy', () => {
  it.each<[string, CatalogInput | undefined, string, PolicyOverrides, ResolvedMetricPolicy]>([
    ['catalog map: purpose and rate', catalogAsMap, 'checkout.latency', overrides(), { purpose: 'performance', sampleRate: 0.25, urgent: false }],
    ['catalog list: same as the map', catalogAsList, 'checkout.latency', overrides(), { purpose: 'performance', sampleRate: 0.25, urgent: false }],
    ['catalog urgency', catalogAsList, 'app.crash', overrides(), { purpose: 'none', sampleRate: 1, urgent: true }],
    ['unknown metric gets the default purpose', catalogAsMap, 'page.view', overrides(), { purpose: 'analytics', sampleRate: 1, urgent: false }],
    ['no catalog at all', undefined, 'page.view', overrides({ defaultPurpose: 'usage' }), { purpose: 'usage', sampleRate: 1, urgent: false }],
    ['option sampling wins over the catalog', catalogAsMap, 'checkout.latency', overrides({ sampling: { 'checkout.latency': 0.5 } }), { purpose: 'performance', sampleRate: 0.5, urgent: false }],
    ['rates are clamped to [0, 1]', undefined, 'a.b', overrides({ sampling: { 'a.b': 7 } }), { purpose: 'analytics', sampleRate: 1, urgent: false }],
    ['negative rate samples everything out', undefined, 'a.b', overrides({ sampling: { 'a.b': -1 } }), { purpose: 'analytics', sampleRate: 0, urgent: false }],
    ['option urgency adds to the catalog', catalogAsMap, 'checkout.latency', overrides({ urgentMetrics: new Set(['checkout.latency']) }), { purpose: 'performance', sampleRate: 0.25, urgent: true }],
  ])('%s', (_name, catalog, metric, policyOverrides, expected) => {
    expect(resolveMetricPolicy(metric, indexCatalog(catalog), policyOverrides)).toEqual(expected);
  });
});

describe('isSampledIn', () => {
  it.each<[number, number, boolean]>([
    [1, 0.999999, true],
    [0, 0, false],
    [0.25, 0.2499, true],
    [0.25, 0.25, false],
    [0.5, 0.75, false],
  ])('rate %d with draw %d → %s', (rate, draw, expected) => {
    expect(isSampledIn(rate, draw)).toBe(expected);
  });

  it('keeps about the sampled fraction over many evenly spread draws', () => {
    const draws = Array.from({ length: 10_000 }, (_, index) => index / 10_000);
    expect(draws.filter((draw) => isSampledIn(0.1, draw)).length).toBe(1_000);
  });
});
