import { buildCatalog, type Catalog } from '@telemetry/catalog';
import type { MetricDefinition } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { planCatalog, planHasChanges } from './apply-catalog';
import { formatCatalogPlan, formatExpiringMetrics } from './format-catalog-plan';
import type { StoredMetric } from './metric-catalog-store';

const NOW = new Date('2026-11-25T12:00:00Z');

const gauge = (name: string, extra: Partial<MetricDefinition> = {}): MetricDefinition => ({
  name,
  type: 'gauge',
  unit: '%',
  description: `${name} description`,
  owner: 'platform',
  hypothesis: 'h',
  action: 'a',
  purpose: 'none',
  expires: 'never',
  attributes: ['host'],
  ...extra,
});

const stored = (definition: MetricDefinition, retired = false): StoredMetric => ({
  definition,
  version: 1,
  updatedAt: NOW,
  retiredAt: retired ? NOW : null,
});

const catalogOf = (...definitions: MetricDefinition[]): Catalog => {
  const result = buildCatalog(definitions, { now: NOW });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.catalog;
};

const names = (definitions: readonly MetricDefinition[]) => definitions.map((definition) => definition.name);

describe('planCatalog', () => {
  it.each([
    {
      case: 'nothing stored: every metric is added',
      rows: [],
      file: [gauge('a.cpu'), gauge('b.mem')],
      expected: { added: ['a.cpu', 'b.mem'], changed: [], removed: [], unchanged: [], revived: [] },
    },
    {
      case: 'the same definitions: all unchanged',
      rows: [stored(gauge('a.cpu')), stored(gauge('b.mem'))],
      file: [gauge('a.cpu'), gauge('b.mem')],
      expected: { added: [], changed: [], removed: [], unchanged: ['a.cpu', 'b.mem'], revived: [] },
    },
    {
      case: 'attribute order is not a change',
      rows: [stored(gauge('a.cpu', { attributes: ['host', 'region'] }))],
      file: [gauge('a.cpu', { attributes: ['region', 'host'] })],
      expected: { added: [], changed: [], removed: [], unchanged: ['a.cpu'], revived: [] },
    },
    {
      case: 'a new alert threshold changes exactly that field',
      rows: [stored(gauge('a.cpu', { alert: { above: 80 } })), stored(gauge('b.mem'))],
      file: [gauge('a.cpu', { alert: { above: 85 } }), gauge('b.mem')],
      expected: { added: [], changed: [['a.cpu', ['alert']]], removed: [], unchanged: ['b.mem'], revived: [] },
    },
    {
      case: 'an active metric the file no longer names is removed',
      rows: [stored(gauge('a.cpu')), stored(gauge('b.mem'))],
      file: [gauge('a.cpu')],
      expected: { added: [], changed: [], removed: ['b.mem'], unchanged: ['a.cpu'], revived: [] },
    },
    {
      case: 'a retired metric the file does not name stays retired, unmentioned',
      rows: [stored(gauge('a.cpu')), stored(gauge('b.mem'), true)],
      file: [gauge('a.cpu')],
      expected: { added: [], changed: [], removed: [], unchanged: ['a.cpu'], revived: [] },
    },
    {
      case: 'a retired metric the file names again is added and revived',
      rows: [stored(gauge('a.cpu')), stored(gauge('b.mem'), true)],
      file: [gauge('a.cpu'), gauge('b.mem')],
      expected: { added: ['b.mem'], changed: [], removed: [], unchanged: ['a.cpu'], revived: ['b.mem'] },
    },
  ])('$case', ({ rows, file, expected }) => {
    const plan = planCatalog(rows, catalogOf(...file));
    expect({
      added: names(plan.added),
      changed: plan.changed.map((change) => [change.name, change.fields]),
      removed: names(plan.removed),
      unchanged: plan.unchanged,
      revived: plan.revived,
    }).toEqual(expected);
    expect(planHasChanges(plan)).toBe(expected.added.length + expected.changed.length + expected.removed.length > 0);
  });
});

describe('formatCatalogPlan', () => {
  it('lists added, revived, changed and removed metrics under a summary line', () => {
    const plan = planCatalog(
      [stored(gauge('a.cpu', { alert: { above: 80 } })), stored(gauge('b.mem'), true), stored(gauge('c.disk')), stored(gauge('d.net'))],
      catalogOf(gauge('a.cpu', { alert: { above: 85 }, unit: 'ratio' }), gauge('b.mem'), gauge('d.net'), gauge('e.new', { owner: 'web' })),
    );
    expect(formatCatalogPlan(plan, 'metrics.yaml')).toEqual([
      'metrics.yaml: 4 metrics; 2 added, 1 changed, 1 removed, 1 unchanged',
      '  + b.mem (gauge, owner platform) revived',
      '  + e.new (gauge, owner web)',
      '  ~ a.cpu: alert, unit',
      '  - c.disk (retired; tombstone on catalog.v1)',
    ]);
  });
});

describe('formatExpiringMetrics', () => {
  it.each([
    { case: 'nothing expiring prints nothing', expiring: [], expected: [] },
    {
      case: 'one metric, its owner named',
      expiring: [{ name: 'web.js_errors', owner: 'web', expires: '2026-12-15', daysLeft: 20 }],
      expected: [
        'warning: 1 metric expires within 30 days; owners to remind: web',
        '  owner web: web.js_errors (expires 2026-12-15, 20 days left)',
      ],
    },
    {
      case: 'grouped by owner, owners sorted, last day and missing owner spelled out',
      expiring: [
        { name: 'web.a', owner: 'web', expires: '2026-11-25', daysLeft: 0 },
        { name: 'app.b', owner: 'mobile', expires: '2026-11-26', daysLeft: 1 },
        { name: 'web.c', owner: 'web', expires: '2026-12-01', daysLeft: 6 },
        { name: 'x.d', owner: null, expires: '2026-12-02', daysLeft: 7 },
      ],
      expected: [
        'warning: 4 metrics expire within 30 days; owners to remind: (no owner), mobile, web',
        '  owner (no owner): x.d (expires 2026-12-02, 7 days left)',
        '  owner mobile: app.b (expires 2026-11-26, 1 day left)',
        '  owner web: web.a (expires 2026-11-25, last day today); web.c (expires 2026-12-01, 6 days left)',
      ],
    },
  ])('$case', ({ expiring, expected }) => {
    expect(formatExpiringMetrics(expiring)).toEqual(expected);
  });
});
