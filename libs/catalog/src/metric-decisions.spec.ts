import type { MetricDefinition } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { buildCatalog, findMetric, type Catalog, type CatalogMetric } from './catalog';
import {
  alertRule,
  checkAlert,
  dailyBudget,
  expiringWithin,
  hasExpired,
  isAttributeAllowed,
  isOverBudget,
  pickAllowedAttributes,
  requiredPurpose,
} from './metric-decisions';

const NOW = Date.parse('2026-11-25T10:00:00Z');

const definition = (name: string, overrides: Partial<MetricDefinition> = {}): MetricDefinition => ({
  name,
  type: 'counter',
  unit: '1',
  description: 'A counter.',
  owner: 'payments',
  hypothesis: 'It matters.',
  action: 'Act on it.',
  purpose: 'performance',
  expires: '2027-06-30',
  attributes: ['region', 'app_version'],
  ...overrides,
});

const catalogOf = (...definitions: MetricDefinition[]): Catalog => {
  const result = buildCatalog(definitions, { now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.catalog;
};

const metricOf = (overrides: Partial<MetricDefinition> = {}): CatalogMetric => {
  const metric = findMetric(catalogOf(definition('m.x', overrides)), 'm.x');
  if (!metric) throw new Error('fixture missing');
  return metric;
};

describe('hasExpired', () => {
  const metric = metricOf({ expires: '2027-06-30' });
  it.each<[string, string, boolean]>([
    ['long before', '2026-11-25T10:00:00Z', false],
    ['the first moment of the expiry day', '2027-06-30T00:00:00Z', false],
    ['the last moment of the expiry day', '2027-06-30T23:59:59.999Z', false],
    ['the first moment after it', '2027-07-01T00:00:00Z', true],
    ['a year later', '2028-07-01T00:00:00Z', true],
  ])('%s (%s): %s', (_label, at, expired) => {
    expect(hasExpired(metric, Date.parse(at))).toBe(expired);
    expect(hasExpired(metric, new Date(at))).toBe(expired);
  });

  it('never expires with expires: never', () => {
    expect(hasExpired(metricOf({ purpose: 'none', expires: 'never' }), Date.parse('2100-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('attributes', () => {
  const metric = metricOf();
  it.each<[string, boolean]>([
    ['region', true],
    ['app_version', true],
    ['device_id', false],
    ['__proto__', false],
    ['constructor', false],
  ])('%s allowed: %s', (key, allowed) => {
    expect(isAttributeAllowed(metric, key)).toBe(allowed);
  });

  it('keeps allowed attributes and names the stripped keys', () => {
    expect(pickAllowedAttributes(metric, { region: 'eu', email: 'a@b.c', app_version: '1.2', ip: '10.0.0.1' })).toEqual({
      attributes: { region: 'eu', app_version: '1.2' },
      strippedKeys: ['email', 'ip'],
    });
  });

  it('returns the same object when nothing is stripped, and an empty one for none', () => {
    const attributes = { region: 'eu' };
    expect(pickAllowedAttributes(metric, attributes).attributes).toBe(attributes);
    expect(pickAllowedAttributes(metric, undefined)).toEqual({ attributes: {}, strippedKeys: [] });
  });

  it('does not let a JSON __proto__ key reach the kept object', () => {
    const hostile = JSON.parse('{"region":"eu","__proto__":{"polluted":true}}') as Record<string, string>;
    const { attributes, strippedKeys } = pickAllowedAttributes(metric, hostile);
    expect(strippedKeys).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(attributes)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});

describe('requiredPurpose', () => {
  it.each<[string, string | null]>([
    ['performance', 'performance'],
    ['analytics', 'analytics'],
    ['none', null],
  ])('purpose %s needs %s', (purpose, needed) => {
    const expires = purpose === 'none' ? 'never' : '2027-01-31';
    expect(requiredPurpose(metricOf({ purpose, expires }))).toBe(needed);
  });
});

describe('alerts', () => {
  it.each<[MetricDefinition['alert'], number, ReturnType<typeof checkAlert>]>([
    [{ above: 2000 }, 2000, null],
    [{ above: 2000 }, 2000.5, { bound: 'above', threshold: 2000 }],
    [{ below: 99.5 }, 99.4, { bound: 'below', threshold: 99.5 }],
    [{ below: 99.5 }, 99.5, null],
    [{ above: 10, below: 1 }, 5, null],
    [{ above: 10, below: 1 }, 0, { bound: 'below', threshold: 1 }],
    [{ above: 10, below: 1 }, 11, { bound: 'above', threshold: 10 }],
    [{ above: 10 }, Number.NaN, null],
    [undefined, 1e12, null],
  ])('rule %j, value %d', (alert, value, breach) => {
    const metric = metricOf(alert === undefined ? {} : { alert });
    expect(checkAlert(metric, value)).toEqual(breach);
    expect(alertRule(metric)).toEqual(alert ?? null);
  });
});

describe('budget', () => {
  const metric = metricOf({ budget: { eventsPerDay: 3 } });
  it.each<[number, boolean]>([
    [0, false],
    [2, false],
    [3, true],
    [10, true],
  ])('after %d events today, over budget: %s', (eventsToday, over) => {
    expect(isOverBudget(metric, eventsToday)).toBe(over);
  });

  it('has no limit without a budget', () => {
    const unlimited = metricOf();
    expect(dailyBudget(unlimited)).toBeNull();
    expect(isOverBudget(unlimited, Number.MAX_SAFE_INTEGER)).toBe(false);
    expect(dailyBudget(metric)).toBe(3);
  });
});

describe('expiringWithin', () => {
  const catalog = catalogOf(
    definition('a.soon', { expires: '2026-12-01', owner: 'web' }),
    definition('b.today', { expires: '2026-11-25', owner: 'mobile' }),
    definition('c.edge', { expires: '2026-12-25', owner: 'growth' }),
    definition('d.later', { expires: '2026-12-26' }),
    definition('e.gone', { expires: '2026-11-24' }),
    definition('f.never', { purpose: 'none', expires: 'never' }),
    { name: 'g.derived', type: 'derived', description: '', attributes: [], formula: 'rate(a.soon)', expires: '2026-12-02' },
  );

  it('lists metrics whose expiry date is within N days, soonest first, with owners', () => {
    expect(expiringWithin(catalog, 30, NOW)).toEqual([
      { name: 'b.today', owner: 'mobile', expires: '2026-11-25', daysLeft: 0 },
      { name: 'a.soon', owner: 'web', expires: '2026-12-01', daysLeft: 6 },
      { name: 'g.derived', owner: null, expires: '2026-12-02', daysLeft: 7 },
      { name: 'c.edge', owner: 'growth', expires: '2026-12-25', daysLeft: 30 },
    ]);
  });

  it.each<[number, string[]]>([
    [0, ['b.today']],
    [6, ['b.today', 'a.soon']],
    [31, ['b.today', 'a.soon', 'g.derived', 'c.edge', 'd.later']],
  ])('within %d days', (days, names) => {
    expect(expiringWithin(catalog, days, NOW).map((metric) => metric.name)).toEqual(names);
  });
});
