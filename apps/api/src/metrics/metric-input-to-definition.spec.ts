import { buildCatalog } from '@telemetry/catalog';
import { describe, expect, it } from 'vitest';
import { metricInputToDefinition } from './metric-input-to-definition';
import type { MetricInput } from './metric.model';

const NOW = new Date('2026-11-25T00:00:00Z');

const gauge: MetricInput = {
  name: 'checkout.latency',
  type: 'gauge',
  unit: 'ms',
  description: 'Time from click to confirmation.',
  owner: 'payments',
  hypothesis: 'Latency above 2 s loses customers.',
  action: 'Page the payments on-call.',
  purpose: 'none',
  expires: '2027-06-30',
  attributes: ['region'],
};

describe('metricInputToDefinition', () => {
  // GraphQL gives an omitted nullable input field as undefined and an explicit one as null.
  it.each([
    ['only above', { above: 2000 }, { above: 2000 }],
    ['only below', { below: 5 }, { below: 5 }],
    ['above with below null', { above: 2000, below: null }, { above: 2000 }],
    ['both bounds', { above: 2000, below: 5 }, { above: 2000, below: 5 }],
    ['a drop rule', { dropPercent: 90, dropFrom: 10, above: null }, { dropPercent: 90, dropFrom: 10 }],
  ])('keeps an alert with %s as the caller wrote it, and the catalog accepts it', (_name, alert, expected) => {
    const definition = metricInputToDefinition({ ...gauge, alert });
    expect(definition.alert).toEqual(expected);
    expect(Object.keys(definition.alert ?? {})).toEqual(Object.keys(expected));
    const result = buildCatalog([definition], { now: NOW });
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  it('leaves out fields given as null or not at all', () => {
    const definition = metricInputToDefinition({ ...gauge, formula: null, webhook: null, alert: null });
    expect(Object.keys(definition).sort()).toEqual(['action', 'attributes', 'description', 'expires', 'hypothesis', 'name', 'owner', 'purpose', 'type', 'unit']);
  });

  it('passes an alert with no bound on, for the catalog to refuse with its reason', () => {
    const result = buildCatalog([metricInputToDefinition({ ...gauge, alert: { above: null, below: null } })], { now: NOW });
    expect(result.ok ? [] : result.issues.map((issue) => issue.message)).toEqual(['must name above, below and/or dropPercent']);
  });
});
