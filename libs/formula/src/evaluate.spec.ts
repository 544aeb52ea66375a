import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FormulaInputs } from './compile-formula';
import { evaluate } from './evaluate';
import { parseFormula } from './parse-formula';

const bucket = { count: 4, sum: 120, min: 10, max: 60, p50: 25, p95: 55, p99: 59, bucketSeconds: 60 };
const inputs: FormulaInputs = {
  'checkout.errors': { count: 3, sum: 3, min: 1, max: 1, bucketSeconds: 60 },
  'checkout.requests': { count: 150, sum: 150, min: 1, max: 1, bucketSeconds: 60 },
  'web.latency': bucket,
  'checkout.error_rate': { value: 2 },
};

describe('evaluate: values', () => {
  it.each<[string, number]>([
    ['100 * rate(checkout.errors) / rate(checkout.requests)', 2],
    ['rate(checkout.requests)', 2.5],
    ['sum(web.latency)', 120],
    ['count(web.latency)', 4],
    ['avg(web.latency)', 30],
    ['min(web.latency) + max(web.latency)', 70],
    ['p50(web.latency) * 100 + p95(web.latency) - p99(web.latency)', 2_496],
    ['checkout.error_rate * 10', 20],
    ['abs(1 - 5)', 4],
    ['clamp(150, 0, 100)', 100],
    ['clamp(-3, 0, 100)', 0],
    ['clamp(42, 0, 100)', 42],
    ['2 + 3 * 4', 14],
    ['(2 + 3) * 4', 20],
    ['10 - 4 - 3', 3],
    ['-2 * -3', 6],
    ['1e300 * 1e-300', 1],
  ])('%s = %d', (source, expected) => {
    expect(evaluate(parseFormula(source), inputs)).toBeCloseTo(expected, 9);
  });
});

describe('evaluate: missing inputs and zero divisors give null, never Infinity or NaN', () => {
  const empty = { count: 0, sum: 0, min: 0, max: 0, bucketSeconds: 60 };
  it.each<[string, string, FormulaInputs]>([
    ['division by zero', '1 / 0', {}],
    ['division by a zero expression', 'sum(a) / (count(a) - count(a))', { a: bucket }],
    ['rate over an empty request bucket', '100 * rate(e) / rate(r)', { e: empty, r: empty }],
    ['avg of an empty bucket', 'avg(a)', { a: empty }],
    ['rate with zero-length bucket', 'rate(a)', { a: { ...bucket, bucketSeconds: 0 } }],
    ['rate without bucketSeconds', 'rate(a)', { a: { sum: 3 } }],
    ['missing metric', 'sum(nope) + 1', {}],
    ['null bucket', 'sum(a)', { a: null }],
    ['missing quantile', 'p99(a)', { a: { count: 1, sum: 1, min: 1, max: 1 } }],
    ['null quantile', 'p95(a)', { a: { ...bucket, p95: null } }],
    ['non-finite input', 'max(a)', { a: { ...bucket, max: Infinity } }],
    ['NaN input', 'min(a)', { a: { ...bucket, min: NaN } }],
    ['bare reference without a value', 'a * 2', { a: bucket }],
    ['overflow', '1e300 * 1e300', {}],
    ['overflow, then divided', '1 / (1e300 * 1e300)', {}],
    ['overflow by addition', '1.7e308 + 1.7e308', {}],
    ['clamp with an empty range', 'clamp(5, 10, 0)', {}],
    ['null inside abs', 'abs(sum(missing))', {}],
    ['null inside clamp bound', 'clamp(1, sum(missing), 2)', {}],
  ])('%s: %s', (_label, source, given) => {
    expect(evaluate(parseFormula(source), given)).toBeNull();
  });

  it('returns a finite number or null for any inputs', () => {
    const maybe = fc.option(fc.double(), { nil: undefined });
    const aggregates = fc.record({
      count: maybe, sum: maybe, min: maybe, max: maybe, p50: maybe, p95: maybe, p99: maybe, bucketSeconds: maybe, value: maybe,
    });
    const formula = parseFormula('100 * rate(a) / rate(b) + avg(a) * p99(b) - clamp(a, min(b), max(b)) / abs(sum(a) - count(b))');
    fc.assert(
      fc.property(aggregates, aggregates, (a, b) => {
        const value = evaluate(formula, { a, b });
        expect(value === null || Number.isFinite(value)).toBe(true);
      }),
      { numRuns: 2_000 },
    );
  });

  it('evaluates the same parsed formula many times with different inputs', () => {
    const formula = parseFormula('100 * rate(e) / rate(r)');
    const results = [0, 1, 2, 3].map((errors) =>
      evaluate(formula, { e: { sum: errors, bucketSeconds: 60 }, r: { sum: 4, bucketSeconds: 60 } }),
    );
    expect(results).toEqual([0, 25, 50, 75]);
  });
});
