import fc from 'fast-check';
import type { MetricDefinition } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { CatalogValidationError, formatCatalogIssue, type CatalogIssue } from './catalog-issue';
import { buildCatalog, catalogDefinitions, findMetric, parseCatalog, parseCatalogOrThrow, type CatalogResult } from './catalog';
import { MAX_CATALOG_BYTES } from './read-catalog-yaml';

const NOW = Date.parse('2026-11-25T10:00:00Z');

/** A valid measured metric, one field per line in this order: the name is line 1, `type` line 2. */
const MEASURED: Record<string, string> = {
  type: 'histogram',
  unit: 'ms',
  description: 'Time from click to confirmation.',
  owner: 'payments',
  hypothesis: 'Latency above 2 s loses customers.',
  action: 'Page the payments on-call.',
  purpose: 'performance',
  expires: '2027-06-30',
  attributes: '[region, app_version]',
};

type Fields = Record<string, string | undefined>;

/** YAML for one metric; a field set to undefined is left out. */
const metricYaml = (name: string, fields: Fields): string =>
  `${name}:\n${Object.entries(fields)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `  ${key}: ${value}`)
    .join('\n')}\n`;

const measured = (overrides: Fields = {}, name = 'checkout.latency'): string => metricYaml(name, { ...MEASURED, ...overrides });

/** The line a field lands on in `metricYaml(name, fields)` when the metric starts at line `start`. */
const lineOf = (fields: Fields, key: string, start = 1): number =>
  start + 1 + Object.entries(fields).filter(([, value]) => value !== undefined).findIndex(([field]) => field === key);

const issuesOf = (result: CatalogResult): readonly CatalogIssue[] => {
  if (result.ok) throw new Error('expected the catalog to be refused');
  return result.issues;
};

const parse = (text: string) => parseCatalog(text, { now: NOW });

describe('parseCatalog: a valid catalog', () => {
  it('accepts a measured metric and keeps every field', () => {
    const result = parse(measured({ alert: '{ above: 2000 }', budget: '{ eventsPerDay: 5000000 }', retentionDays: '30', highResolution: 'true', webhook: 'https://hooks.example.org/payments' }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(findMetric(result.catalog, 'checkout.latency')?.definition).toEqual({
      name: 'checkout.latency',
      type: 'histogram',
      unit: 'ms',
      description: 'Time from click to confirmation.',
      owner: 'payments',
      hypothesis: 'Latency above 2 s loses customers.',
      action: 'Page the payments on-call.',
      purpose: 'performance',
      expires: '2027-06-30',
      attributes: ['region', 'app_version'],
      alert: { above: 2000 },
      budget: { eventsPerDay: 5_000_000 },
      retentionDays: 30,
      highResolution: true,
      webhook: 'https://hooks.example.org/payments',
    } satisfies MetricDefinition);
    expect(result.warnings).toEqual([]);
  });

  it('accepts a drop rule relative to the series\' own expected level', () => {
    const result = parse(measured({ alert: '{ dropPercent: 90, dropFrom: 10 }' }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(findMetric(result.catalog, 'checkout.latency')?.definition.alert).toEqual({ dropPercent: 90, dropFrom: 10 });
  });

  it('accepts a derived metric with only a type and a formula, and orders derived metrics by dependency', () => {
    const text = [
      measured({}, 'checkout.errors'),
      measured({}, 'checkout.requests'),
      metricYaml('checkout.error_pct_doubled', { type: 'derived', formula: '2 * checkout.error_rate' }),
      metricYaml('checkout.error_rate', { type: 'derived', formula: '100 * rate(checkout.errors) / rate(checkout.requests)' }),
    ].join('');
    const result = parse(text);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.catalog.derivedOrder).toEqual(['checkout.error_rate', 'checkout.error_pct_doubled']);
    const derived = findMetric(result.catalog, 'checkout.error_rate');
    expect(derived?.definition).toEqual({
      name: 'checkout.error_rate',
      type: 'derived',
      description: '',
      attributes: [],
      formula: '100 * rate(checkout.errors) / rate(checkout.requests)',
    });
    expect(derived?.formula?.references).toEqual(['checkout.errors', 'checkout.requests']);
  });

  it('accepts "never" with purpose none (machine telemetry)', () => {
    const result = parse(measured({ purpose: 'none', expires: 'never' }, 'telemetry.self.rejections'));
    expect(result.ok).toBe(true);
    if (result.ok) expect(findMetric(result.catalog, 'telemetry.self.rejections')?.expiresAtMs).toBeNull();
  });

  it('accepts an expiry exactly at the 13-month horizon and a configurable shorter horizon refuses it', () => {
    const text = measured({ expires: '2027-12-25' });
    expect(parse(text).ok).toBe(true);
    const issues = issuesOf(parseCatalog(text, { now: NOW, maxExpiryMonths: 6 }));
    expect(issues).toEqual([
      { metric: 'checkout.latency', field: 'expires', line: 9, message: '2027-12-25 is more than 6 months ahead; the latest allowed today is 2027-05-25' },
    ]);
  });

  it('keeps an already expired metric valid, with a warning naming its line', () => {
    const result = parse(measured({ expires: '2026-10-31' }));
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([
      { metric: 'checkout.latency', field: 'expires', line: 9, message: 'expired on 2026-10-31: its events are rejected as "expired"' },
    ]);
  });

  it('resolves YAML aliases for shared attribute lists', () => {
    const text = `a.one:\n${Object.entries({ ...MEASURED, attributes: '&common [region, host]' }).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n` + measured({ attributes: '*common' }, 'a.two');
    const result = parse(text);
    expect(result.ok).toBe(true);
    if (result.ok) expect(findMetric(result.catalog, 'a.two')?.definition.attributes).toEqual(['region', 'host']);
  });
});

describe('parseCatalog: every rule names the metric, the field and the line', () => {
  it.each<[string, Fields, string, string | null, RegExp]>([
    ['missing type', { type: undefined }, 'type', null, /is required/],
    ['missing unit', { unit: undefined }, 'unit', null, /is required \(measured metrics name type, unit, description, owner, hypothesis, action, purpose, expires\)/],
    ['missing description', { description: undefined }, 'description', null, /is required/],
    ['missing owner', { owner: undefined }, 'owner', null, /is required/],
    ['missing hypothesis', { hypothesis: undefined }, 'hypothesis', null, /is required/],
    ['missing action', { action: undefined }, 'action', null, /is required/],
    ['missing purpose', { purpose: undefined }, 'purpose', null, /is required/],
    ['missing expires', { expires: undefined }, 'expires', null, /is required/],
    ['unknown type', { type: 'timer' }, 'type', 'type', /must be one of counter, gauge, histogram, event, derived, got string "timer"/],
    ['empty owner', { owner: "''" }, 'owner', 'owner', /must be a non-empty string/],
    ['numeric description', { description: '42' }, 'description', 'description', /must be a non-empty string, got number 42/],
    ['list as hypothesis', { hypothesis: '[a, b]' }, 'hypothesis', 'hypothesis', /got a list/],
    ['purpose not an identifier', { purpose: 'Performance Stuff' }, 'purpose', 'purpose', /lowercase identifier/],
    ['expires not a date', { expires: 'soon' }, 'expires', 'expires', /must be a date YYYY-MM-DD or "never", got string "soon"/],
    ['expires an impossible date', { expires: '2027-02-30' }, 'expires', 'expires', /must be a date YYYY-MM-DD/],
    ['expires as a number', { expires: '20270630' }, 'expires', 'expires', /got number 20270630/],
    ['expires beyond the horizon', { expires: '2027-12-26' }, 'expires', 'expires', /2027-12-26 is more than 13 months ahead; the latest allowed today is 2027-12-25/],
    ['never with a consent purpose', { expires: 'never' }, 'expires', 'expires', /"never" is allowed only with purpose none .*purpose is performance/],
    ['attributes not a list', { attributes: 'region' }, 'attributes', 'attributes', /must be a list of attribute names/],
    ['attribute not a string', { attributes: '[region, 7]' }, 'attributes', 'attributes', /attributes\[1\] must be an attribute name, got number 7/],
    ['reserved attribute', { attributes: '[__proto__]' }, 'attributes', 'attributes', /attributes\[0\] "__proto__" is a reserved name/],
    ['invalid attribute key', { attributes: '["has space"]' }, 'attributes', 'attributes', /not a valid attribute key/],
    ['duplicate attribute', { attributes: '[region, region]' }, 'attributes', 'attributes', /attributes\[1\] "region" is listed twice/],
    ['nested attribute list', { attributes: '[[region]]' }, 'attributes', 'attributes', /got a nested collection/],
    ['alert not a mapping', { alert: '2000' }, 'alert', 'alert', /must be a mapping/],
    ['alert with an unknown bound', { alert: '{ over: 3 }' }, 'alert', 'alert', /unknown key "over"; allowed: above, below, dropPercent, dropFrom/],
    ['alert bound not a number', { alert: '{ above: high }' }, 'alert', 'alert', /above must be a finite number/],
    ['alert band inverted', { alert: '{ above: 1, below: 5 }' }, 'alert', 'alert', /below \(5\) must be less than above \(1\)/],
    ['empty alert', { alert: '{}' }, 'alert', 'alert', /must name above, below and\/or dropPercent/],
    ['alert drop beyond 100 %', { alert: '{ dropPercent: 120 }' }, 'alert', 'alert', /dropPercent must be more than 0 and at most 100/],
    ['alert dropFrom without dropPercent', { alert: '{ dropFrom: 10 }' }, 'alert', 'alert', /dropFrom needs dropPercent/],
    ['alert dropFrom negative', { alert: '{ dropPercent: 90, dropFrom: -1 }' }, 'alert', 'alert', /dropFrom must be at least 0/],
    ['budget without eventsPerDay', { budget: '{}' }, 'budget', 'budget', /must name eventsPerDay/],
    ['budget not positive', { budget: '{ eventsPerDay: 0 }' }, 'budget', 'budget', /eventsPerDay must be a whole number ≥ 1/],
    ['budget fractional', { budget: '{ eventsPerDay: 2.5 }' }, 'budget', 'budget', /whole number/],
    ['budget unknown key', { budget: '{ eventsPerHour: 5 }' }, 'budget', 'budget', /unknown key "eventsPerHour"/],
    ['retentionDays negative', { retentionDays: '-3' }, 'retentionDays', 'retentionDays', /retentionDays must be a whole number ≥ 1/],
    ['highResolution not boolean', { highResolution: 'yes' }, 'highResolution', 'highResolution', /must be true or false/],
    ['webhook not a URL', { webhook: 'not a url' }, 'webhook', 'webhook', /must be an http\(s\) URL/],
    ['webhook with another scheme', { webhook: 'file:///etc/passwd' }, 'webhook', 'webhook', /must be an http\(s\) URL/],
    ['formula on a measured metric', { formula: '1 + 1' }, 'formula', 'formula', /only derived metrics \(type: derived\) carry a formula/],
    ['unknown field (a typo)', { expire: '2027-01-01' }, 'expire', 'expire', /unknown field; known fields: type, unit/],
    ['name given as a field', { name: 'other' }, 'name', 'name', /unknown field/],
  ])('%s', (_label, overrides, field, lineField, message) => {
    const fields = { ...MEASURED, ...overrides };
    const issues = issuesOf(parse(metricYaml('checkout.latency', fields)));
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue?.metric).toBe('checkout.latency');
    expect(issue?.field).toBe(field);
    // A missing field is reported at the metric's own line.
    expect(issue?.line).toBe(lineField === null ? 1 : lineOf(fields, lineField));
    expect(issue?.message).toMatch(message);
  });

  it.each<[string, string, RegExp]>([
    ['uppercase name', 'Checkout.Latency', /dotted lowercase identifiers/],
    ['name with a dash', 'checkout-latency', /dotted lowercase identifiers/],
    ['reserved name segment', 'checkout.constructor', /reserved name segment "constructor"/],
    ['overlong name', `m.${'x'.repeat(130)}`, /at most 128 characters/],
  ])('refuses a metric name: %s', (_label, name, message) => {
    const issues = issuesOf(parse(measured({}, name)));
    expect(issues).toEqual([{ metric: name, field: null, line: 1, message: expect.stringMatching(message) }]);
  });

  it('reports every problem of every metric at once, in file order', () => {
    const text = measured({ owner: undefined, expires: 'never' }, 'a.first') + measured({ unit: "''" }, 'b.second');
    const issues = issuesOf(parse(text));
    expect(issues.map((issue) => [issue.metric, issue.field, issue.line])).toEqual([
      ['a.first', 'owner', 1],
      ['a.first', 'expires', 8],
      ['b.second', 'unit', 12],
    ]);
  });

  it('points at the attribute item line in a block list', () => {
    const fields = { ...MEASURED, attributes: undefined };
    const text = `${metricYaml('checkout.latency', fields)}  attributes:\n    - region\n    - 12\n`;
    expect(issuesOf(parse(text))).toEqual([
      { metric: 'checkout.latency', field: 'attributes', line: 12, message: 'attributes[1] must be an attribute name, got number 12' },
    ]);
  });
});

describe('parseCatalog: derived metrics and formulas', () => {
  const base = measured({}, 'checkout.errors') + measured({}, 'checkout.requests');
  const baseLines = 20;
  it.each<[string, Fields, string | null, RegExp]>([
    ['missing formula', { type: 'derived' }, null, /is required \(derived metrics carry a formula\)/],
    ['formula syntax error', { type: 'derived', formula: '100 * (rate(checkout.errors)' }, 'formula', /unterminated '\(' at column 7/],
    ['formula not a string', { type: 'derived', formula: '[1]' }, 'formula', /must be a string, got a list/],
    ['unknown metric', { type: 'derived', formula: 'rate(checkout.nope)' }, 'formula', /reads unknown metric checkout.nope/],
    ['bare measured metric', { type: 'derived', formula: 'checkout.errors * 2' }, 'formula', /reads measured metric checkout.errors bare; name its aggregate/],
    ['hostile nesting', { type: 'derived', formula: `${'('.repeat(10_000)}1${')'.repeat(10_000)}` }, 'formula', /deeper than 64 levels/],
    ['purpose on a derived metric', { type: 'derived', formula: 'sum(checkout.errors)', purpose: 'performance' }, 'purpose', /applies only to measured metrics/],
    ['budget on a derived metric', { type: 'derived', formula: 'sum(checkout.errors)', budget: '{ eventsPerDay: 5 }' }, 'budget', /applies only to measured metrics/],
  ])('%s', (_label, fields, lineField, message) => {
    const issues = issuesOf(parse(base + metricYaml('checkout.ratio', fields)));
    expect(issues).toHaveLength(1);
    expect(issues[0]?.metric).toBe('checkout.ratio');
    const start = baseLines + 1;
    expect(issues[0]?.line).toBe(lineField === null ? start : lineOf(fields, lineField, start));
    expect(issues[0]?.message).toMatch(message);
  });

  it('refuses an aggregate over a derived metric', () => {
    const text = base + metricYaml('d.one', { type: 'derived', formula: 'sum(checkout.errors)' }) + metricYaml('d.two', { type: 'derived', formula: 'rate(d.one)' });
    expect(issuesOf(parse(text))).toEqual([
      { metric: 'd.two', field: 'formula', line: 26, message: 'aggregates derived metric d.one; a derived metric has one value per bucket: write d.one' },
    ]);
  });

  it('refuses cycles among derived metrics, with the path', () => {
    const text =
      metricYaml('d.a', { type: 'derived', formula: 'd.b + 1' }) +
      metricYaml('d.b', { type: 'derived', formula: 'd.c * 2' }) +
      metricYaml('d.c', { type: 'derived', formula: 'd.a - 3' });
    expect(issuesOf(parse(text))).toEqual([
      { metric: 'd.a', field: 'formula', line: 3, message: 'derived metrics read each other in a cycle: d.a → d.b → d.c → d.a' },
    ]);
  });

  it('does not call a defined but invalid metric "unknown"', () => {
    const text = measured({ owner: undefined }, 'checkout.errors') + metricYaml('d.a', { type: 'derived', formula: 'sum(checkout.errors)' });
    expect(issuesOf(parse(text)).map((issue) => issue.field)).toEqual(['owner']);
  });
});

describe('parseCatalog: structure and hostile files', () => {
  it.each<[string, string, number | null, RegExp]>([
    ['empty file', '', 1, /catalog has no metrics/],
    ['comments only', '# nothing yet\n', 1, /catalog has no metrics/],
    ['a list at the top', '- a\n- b\n', 1, /must be a mapping of metric name to definition/],
    ['a metric that is not a mapping', 'checkout.latency: 5\n', 1, /definition must be a mapping of fields/],
    ['YAML syntax error', 'a:\n  type: [counter\n', 3, /^YAML: /],
    ['duplicate metric', `${measured({}, 'a.b')}${measured({}, 'a.b')}`, 11, /YAML: Map keys must be unique/],
    ['duplicate field', 'a.b:\n  type: counter\n  type: gauge\n', 3, /YAML: Map keys must be unique/],
    ['two documents', `${measured({}, 'a.b')}---\n${measured({}, 'c.d')}`, null, /YAML: Source contains multiple documents/],
    ['10,000 nested brackets', `a:\n  attributes: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`, 2, /brackets nest deeper than 16 levels/],
    ['100,000 nested braces', `a: ${'{'.repeat(100_000)}\n`, 1, /brackets nest deeper than 16 levels/],
    ['unknown alias', 'a.b:\n  type: *nothing\n', 2, /unknown alias \*nothing/],
  ])('%s', (_label, text, line, message) => {
    const issues = issuesOf(parse(text));
    const found = issues.find((issue) => message.test(issue.message));
    expect(found, JSON.stringify(issues)).toBeDefined();
    if (line !== null) expect(found?.line).toBe(line);
  });

  it('does not count brackets inside quotes or comments', () => {
    const text = measured({ description: `"${'['.repeat(40)} quoted"` }) + `# ${'{'.repeat(40)}\n`;
    expect(parse(text).ok).toBe(true);
  });

  it('refuses a file over the size limit before parsing it', () => {
    const issues = issuesOf(parse(`# ${'x'.repeat(MAX_CATALOG_BYTES)}\n`));
    expect(issues[0]?.message).toMatch(/at most \d+ are allowed/);
  });

  it('parseCatalogOrThrow throws a CatalogValidationError listing every issue with its line', () => {
    const attempt = () => parseCatalogOrThrow(measured({ unit: "''" }), { now: NOW, source: 'examples/metrics.yaml' });
    expect(attempt).toThrow(CatalogValidationError);
    expect(attempt).toThrow(
      'examples/metrics.yaml is invalid (1 problem):\n  examples/metrics.yaml:3: checkout.latency.unit: must be a non-empty string, got string ""',
    );
  });

  it('formats an issue without a line or a metric', () => {
    expect(formatCatalogIssue({ metric: null, field: null, line: null, message: 'catalog has no metrics' })).toBe('metrics.yaml: catalog has no metrics');
  });
});

describe('buildCatalog: definitions from GraphQL or the database, same rules', () => {
  it('rebuilds the same catalog from the definitions a parsed catalog yields', () => {
    const parsed = parse(measured({}, 'checkout.errors') + metricYaml('d.rate', { type: 'derived', formula: 'rate(checkout.errors)' }));
    if (!parsed.ok) throw new Error('fixture must be valid');
    const rebuilt = buildCatalog(catalogDefinitions(parsed.catalog), { now: NOW });
    expect(rebuilt.ok).toBe(true);
    if (rebuilt.ok) expect(catalogDefinitions(rebuilt.catalog)).toEqual(catalogDefinitions(parsed.catalog));
  });

  it('reports issues without lines, and duplicates by name', () => {
    const definition: MetricDefinition = { name: 'a.b', type: 'counter', description: 'x', attributes: [], expires: 'never', purpose: 'analytics' };
    const result = buildCatalog([definition, definition], { now: NOW });
    expect(issuesOf(result).map((issue) => [issue.field, issue.line, issue.message.split(' (')[0]])).toEqual([
      ['unit', null, 'is required'],
      ['owner', null, 'is required'],
      ['hypothesis', null, 'is required'],
      ['action', null, 'is required'],
      ['expires', null, '"never" is allowed only with purpose none'],
      [null, null, 'is defined twice'],
    ]);
  });
});

describe('parseCatalog: never throws', () => {
  it('returns a result for any YAML-ish text', () => {
    const unit = fc.constantFrom(...'ab.:-[]{}#&*\'"\n 0129,'.split(''), '\n  ', 'type: ', 'derived', 'formula: ', 'expires: ', 'never', 'rate(a)');
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 80 }), (text) => {
        const result = parseCatalog(text, { now: NOW });
        expect(typeof result.ok).toBe('boolean');
      }),
      { numRuns: 1_000 },
    );
  });
});
