import { hasExpired } from '@telemetry/catalog';
import type { MetricDefinition } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { catalogMetricFromDefinition, createCatalogLookup } from './catalog-lookup';

const definition = (expires?: string): MetricDefinition => ({
  name: 'checkout.latency',
  type: 'histogram',
  description: 'Latency.',
  attributes: ['region'],
  ...(expires === undefined ? {} : { expires }),
});

describe('catalogMetricFromDefinition', () => {
  it.each([
    ['2027-06-30', Date.UTC(2027, 5, 30, 23, 59, 59), false],
    ['2027-06-30', Date.UTC(2027, 6, 1), true],
    ['never', Date.UTC(2099, 0, 1), false],
    [undefined, Date.UTC(2099, 0, 1), false],
    ['not-a-date', Date.UTC(2026, 0, 1), true],
  ])('expires %s: expired at %d → %s', (expires, at, expected) => {
    expect(hasExpired(catalogMetricFromDefinition(definition(expires)), at)).toBe(expected);
  });

  it('allows the declared attributes only', () => {
    expect([...catalogMetricFromDefinition(definition()).allowedAttributes]).toEqual(['region']);
  });
});

describe('createCatalogLookup', () => {
  it('builds a metric once per definition object and follows replaced definitions', () => {
    const definitions = new Map([['checkout.latency', definition('2027-06-30')]]);
    const lookUp = createCatalogLookup((name) => definitions.get(name));
    const first = lookUp('checkout.latency');
    expect(lookUp('checkout.latency')).toBe(first);
    definitions.set('checkout.latency', definition('2026-01-01'));
    expect(lookUp('checkout.latency')?.definition.expires).toBe('2026-01-01');
    expect(lookUp('unknown.metric')).toBeUndefined();
  });

  it('forgets a metric the view dropped and builds it anew when it returns', () => {
    const original = definition('2027-06-30');
    const definitions = new Map([['checkout.latency', original]]);
    const lookUp = createCatalogLookup((name) => definitions.get(name));
    const first = lookUp('checkout.latency');
    definitions.delete('checkout.latency');
    expect(lookUp('checkout.latency')).toBeUndefined();
    definitions.set('checkout.latency', original);
    const again = lookUp('checkout.latency');
    expect(again).not.toBe(first);
    expect(again?.definition).toBe(original);
  });
});
