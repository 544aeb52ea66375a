import type { MetricDefinition } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { diffCatalogs } from './diff-catalogs';

const counter = (name: string, overrides: Partial<MetricDefinition> = {}): MetricDefinition => ({
  name,
  type: 'counter',
  unit: '1',
  description: 'A counter.',
  owner: 'payments',
  purpose: 'performance',
  expires: '2027-06-30',
  attributes: ['region', 'host'],
  ...overrides,
});

describe('diffCatalogs', () => {
  it('sorts metrics into added, changed, removed and unchanged, by name', () => {
    const stored = [counter('b.same'), counter('a.changed'), counter('z.removed'), counter('c.removed')];
    const next = [counter('b.same'), counter('a.changed', { owner: 'platform', expires: '2027-09-30' }), counter('y.added'), counter('d.added')];
    const diff = diffCatalogs(stored, next);
    expect(diff.added.map((metric) => metric.name)).toEqual(['d.added', 'y.added']);
    expect(diff.removed.map((metric) => metric.name)).toEqual(['c.removed', 'z.removed']);
    expect(diff.unchanged).toEqual(['b.same']);
    expect(diff.changed).toEqual([
      { name: 'a.changed', before: counter('a.changed'), after: counter('a.changed', { owner: 'platform', expires: '2027-09-30' }), fields: ['expires', 'owner'] },
    ]);
  });

  it.each<[string, Partial<MetricDefinition>, Partial<MetricDefinition>, string[]]>([
    ['attribute order', { attributes: ['region', 'host'] }, { attributes: ['host', 'region'] }, []],
    ['an attribute added', { attributes: ['region'] }, { attributes: ['region', 'host'] }, ['attributes']],
    ['formula whitespace and redundant parentheses', { type: 'derived', formula: '100*(rate(a.b))/rate(c.d)' }, { type: 'derived', formula: '100 * rate(a.b) / rate(c.d)' }, []],
    ['formula meaning', { type: 'derived', formula: '100 * rate(a.b)' }, { type: 'derived', formula: '10 * rate(a.b)' }, ['formula']],
    ['alert key order', { alert: { above: 5, below: 1 } }, { alert: { below: 1, above: 5 } }, []],
    ['alert threshold', { alert: { above: 5 } }, { alert: { above: 6 } }, ['alert']],
    ['alert removed', { alert: { above: 5 } }, {}, ['alert']],
    ['budget added', {}, { budget: { eventsPerDay: 10 } }, ['budget']],
    ['explicitly undefined optional field', { webhook: undefined }, {}, []],
    ['type', {}, { type: 'gauge' }, ['type']],
  ])('%s', (_label, before, after, fields) => {
    const diff = diffCatalogs([counter('m.x', before)], [counter('m.x', after)]);
    if (fields.length === 0) expect(diff.unchanged).toEqual(['m.x']);
    else expect(diff.changed.map((change) => change.fields)).toEqual([fields]);
  });

  it('treats an empty stored catalog as all added and an empty next one as all removed', () => {
    const metrics = [counter('a.one'), counter('b.two')];
    expect(diffCatalogs([], metrics)).toEqual({ added: metrics, changed: [], removed: [], unchanged: [] });
    expect(diffCatalogs(metrics, [])).toEqual({ added: [], changed: [], removed: metrics, unchanged: [] });
  });
});
