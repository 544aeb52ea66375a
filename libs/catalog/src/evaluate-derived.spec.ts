import { describe, expect, it } from 'vitest';
import { parseCatalog, type Catalog } from './catalog';
import { evaluateDerivedMetrics } from './evaluate-derived';

const measured = (name: string) =>
  `${name}:\n  type: counter\n  unit: '1'\n  description: d\n  owner: o\n  hypothesis: h\n  action: a\n  purpose: performance\n  expires: 2027-01-31\n`;

const catalog: Catalog = (() => {
  const result = parseCatalog(
    [
      // Declared before what it reads: evaluation follows dependencies, not file order.
      'checkout.error_pct_x10:\n  type: derived\n  formula: 10 * checkout.error_rate\n',
      measured('checkout.errors'),
      measured('checkout.requests'),
      'checkout.error_rate:\n  type: derived\n  formula: 100 * rate(checkout.errors) / rate(checkout.requests)\n',
    ].join(''),
    { now: Date.parse('2026-11-25T00:00:00Z') },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.catalog;
})();

describe('evaluateDerivedMetrics', () => {
  it('evaluates derived metrics in dependency order, feeding values forward', () => {
    const values = evaluateDerivedMetrics(catalog, {
      'checkout.errors': { sum: 6, count: 6, bucketSeconds: 60 },
      'checkout.requests': { sum: 300, count: 300, bucketSeconds: 60 },
    });
    expect(Object.fromEntries(values)).toEqual({ 'checkout.error_rate': 2, 'checkout.error_pct_x10': 20 });
  });

  it('gives null to a derived metric without inputs and to those that read it', () => {
    const values = evaluateDerivedMetrics(catalog, { 'checkout.errors': { sum: 6, count: 6, bucketSeconds: 60 } });
    expect(Object.fromEntries(values)).toEqual({ 'checkout.error_rate': null, 'checkout.error_pct_x10': null });
  });
});
