import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AGGREGATE_FUNCTIONS, type BinaryOperator, type FormulaNode } from './formula-ast';
import { FormulaError, type FormulaErrorCode } from './formula-error';
import { MAX_FORMULA_DEPTH, MAX_FORMULA_LENGTH, parseFormula, parseFormulaAst } from './parse-formula';
import { printFormula } from './print-formula';

const num = (value: number): FormulaNode => ({ kind: 'number', value });
const ref = (name: string): FormulaNode => ({ kind: 'metric', name });
const neg = (operand: FormulaNode): FormulaNode => ({ kind: 'negate', operand });
const bin = (op: BinaryOperator, left: FormulaNode, right: FormulaNode): FormulaNode => ({ kind: 'binary', op, left, right });

const parseError = (source: string): FormulaError => {
  try {
    parseFormulaAst(source);
  } catch (error) {
    if (error instanceof FormulaError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(source.slice(0, 40))} to be refused`);
};

describe('parseFormulaAst: precedence and associativity', () => {
  it.each<[string, FormulaNode]>([
    ['1 + 2 * 3', bin('+', num(1), bin('*', num(2), num(3)))],
    ['(1 + 2) * 3', bin('*', bin('+', num(1), num(2)), num(3))],
    ['1 - 2 - 3', bin('-', bin('-', num(1), num(2)), num(3))],
    ['1 - (2 - 3)', bin('-', num(1), bin('-', num(2), num(3)))],
    ['8 / 4 / 2', bin('/', bin('/', num(8), num(4)), num(2))],
    ['-a * b', bin('*', neg(ref('a')), ref('b'))],
    ['-(a * b)', neg(bin('*', ref('a'), ref('b')))],
    ['a - -b', bin('-', ref('a'), neg(ref('b')))],
    ['--a', neg(neg(ref('a')))],
    ['2 * a + b / 4 - c', bin('-', bin('+', bin('*', num(2), ref('a')), bin('/', ref('b'), num(4))), ref('c'))],
    ['.5 + 1.25e2 + 3E-2 + 7.', bin('+', bin('+', bin('+', num(0.5), num(125)), num(0.03)), num(7))],
    [
      '100 * rate(checkout.errors) / rate(checkout.requests)',
      bin(
        '/',
        bin('*', num(100), { kind: 'aggregate', fn: 'rate', metric: 'checkout.errors' }),
        { kind: 'aggregate', fn: 'rate', metric: 'checkout.requests' },
      ),
    ],
    ['clamp(x, 0, 1)', { kind: 'call', fn: 'clamp', args: [ref('x'), num(0), num(1)] }],
    ['abs( -p95(web.ttfb) )', { kind: 'call', fn: 'abs', args: [neg({ kind: 'aggregate', fn: 'p95', metric: 'web.ttfb' })] }],
    ['\n\t sum ( a.b_c.d9 )\r\n', { kind: 'aggregate', fn: 'sum', metric: 'a.b_c.d9' }],
  ])('%s', (source, expected) => {
    expect(parseFormulaAst(source)).toEqual(expected);
  });
});

describe('parseFormulaAst: hostile and malformed input gives a clear FormulaError', () => {
  it.each<[string, string, FormulaErrorCode, RegExp]>([
    ['empty input', '', 'formula_empty', /empty/],
    ['whitespace only', '  \n\t ', 'formula_empty', /empty/],
    ['unterminated parenthesis', '(1 + 2', 'formula_syntax', /unterminated '\(' at column 1/],
    ['unterminated call', 'rate(a', 'formula_syntax', /unterminated '\(' at column 5/],
    ['unmatched closing parenthesis', '1 + 2)', 'formula_syntax', /unmatched '\)' at column 6/],
    ['dangling operator', '1 +', 'formula_syntax', /ends where a number/],
    ['two operators', '1 * / 2', 'formula_syntax', /unexpected "\/" at column 5/],
    ['juxtaposition', '2 x', 'formula_syntax', /unexpected "x" at column 3/],
    ['number out of range', '1e309', 'formula_number_range', /1e309 at column 1 is out of range/],
    ['negative overflow', '-1e309 + 1', 'formula_number_range', /out of range/],
    ['__proto__ as a metric', '__proto__', 'formula_invalid_name', /reserved name "__proto__"/],
    ['constructor as a metric', 'constructor * 2', 'formula_invalid_name', /reserved name "constructor"/],
    ['constructor segment', 'rate(a.constructor)', 'formula_invalid_name', /reserved name "constructor"/],
    ['prototype segment', 'x.prototype.y', 'formula_invalid_name', /reserved name "prototype"/],
    ['constructor call', 'constructor(1)', 'formula_unknown_function', /unknown function "constructor"/],
    ['property access by index', 'a["b"]', 'formula_syntax', /unexpected "\[" at column 2/],
    ['uppercase name', 'Checkout.Errors', 'formula_invalid_name', /dotted lowercase/],
    ['dollar name', '$x', 'formula_invalid_name', /invalid metric name/],
    ['eval attempt', 'eval("1")', 'formula_unknown_function', /unknown function "eval"/],
    ['function constructor', 'Function("return 1")', 'formula_unknown_function', /unknown function "Function"/],
    ['string literal', '"1"', 'formula_syntax', /unexpected "\\"" at column 1/],
    ['aggregate of expression', 'rate(1 + a)', 'formula_syntax', /rate\(\) takes one metric name/],
    ['aggregate of two metrics', 'sum(a, b)', 'formula_syntax', /sum\(\) takes one metric name/],
    ['empty aggregate', 'avg()', 'formula_syntax', /avg\(\) takes one metric name/],
    ['abs without argument', 'abs()', 'formula_arity', /abs\(\) takes 1 argument, got 0/],
    ['clamp with two arguments', 'clamp(x, 1)', 'formula_arity', /clamp\(\) takes 3 arguments, got 2/],
    ['unknown function', 'sqrt(a)', 'formula_unknown_function', /unknown function "sqrt" at column 1/],
    ['power operator', '2 ^ 3', 'formula_syntax', /unexpected "\^"/],
    ['trailing dot', 'a. + 1', 'formula_syntax', /unexpected "\."/],
  ])('%s', (_label, source, code, message) => {
    const error = parseError(source);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(message);
    expect(error.retriable).toBe(false);
  });

  it.each<[string, string]>([
    ['10,000 nested parentheses', `${'('.repeat(10_000)}1${')'.repeat(10_000)}`],
    ['10,000 unclosed parentheses', '('.repeat(10_000)],
    ['10,000 unary minuses', `${'-'.repeat(10_000)}1`],
    ['10,000 nested abs calls', `${'abs('.repeat(10_000)}1${')'.repeat(10_000)}`],
    ['a flat chain of 2,000 additions', Array.from({ length: 2_000 }, () => '1').join('+')],
  ])('%s: refused as too deep, without overflowing the stack', (_label, source) => {
    const error = parseError(source);
    expect(error.code).toBe('formula_too_deep');
    expect(error.message).toContain(`deeper than ${MAX_FORMULA_DEPTH} levels`);
  });

  it('refuses formulas longer than the length limit before parsing them', () => {
    const error = parseError(`1${' + 1'.repeat(MAX_FORMULA_LENGTH)}`);
    expect(error.code).toBe('formula_too_long');
    expect(error.message).toContain(`at most ${MAX_FORMULA_LENGTH}`);
  });

  it('accepts nesting up to the limit', () => {
    const depth = MAX_FORMULA_DEPTH - 1;
    const ast = parseFormulaAst(`${'('.repeat(depth)}a${')'.repeat(depth)}`);
    expect(ast).toEqual(ref('a'));
  });

  it('never throws anything but a FormulaError, on any string', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60, unit: fc.constantFrom(...'()+-*/.,0123456789eE abcrate_$[]"\'\n'.split('')) }), (source) => {
        try {
          parseFormulaAst(source);
        } catch (error) {
          expect(error).toBeInstanceOf(FormulaError);
        }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('parseFormula: references', () => {
  it('lists each referenced metric once, in order of first appearance, split by use', () => {
    const formula = parseFormula('rate(b.x) + a + clamp(sum(b.x), c, max(d)) / a');
    expect(formula.references).toEqual(['b.x', 'a', 'c', 'd']);
    expect(formula.bareReferences).toEqual(['a', 'c']);
    expect(formula.aggregatedReferences).toEqual(['b.x', 'd']);
  });

  it('has no references for a constant formula', () => {
    expect(parseFormula('(1 + 2) * -3').references).toEqual([]);
  });
});

const metricName = fc.stringMatching(/^[a-z][a-z0-9_]{0,6}(\.[a-z0-9_]{1,6}){0,2}$/).filter(
  (name) => !name.split('.').some((segment) => segment === 'constructor' || segment === 'prototype'),
);
const nonNegativeNumber = fc.oneof(
  fc.integer({ min: 0, max: 1_000_000 }),
  fc.double({ min: 0, max: 1e300, noNaN: true, noDefaultInfinity: true }).filter((value) => !Object.is(value, -0)),
);

const formulaNode: fc.Arbitrary<FormulaNode> = fc.letrec<{ node: FormulaNode }>((tie) => ({
  node: fc.oneof(
    // Deeper trees than the parser's limit would be refused; 8 levels is plenty for the round trip.
    { maxDepth: 8, depthSize: 'small', withCrossShrink: true },
    nonNegativeNumber.map((value): FormulaNode => ({ kind: 'number', value })),
    metricName.map((name): FormulaNode => ({ kind: 'metric', name })),
    fc.record({ fn: fc.constantFrom(...AGGREGATE_FUNCTIONS), metric: metricName }).map(
      ({ fn, metric }): FormulaNode => ({ kind: 'aggregate', fn, metric }),
    ),
    tie('node').map((operand): FormulaNode => ({ kind: 'negate', operand })),
    fc.record({ op: fc.constantFrom<BinaryOperator>('+', '-', '*', '/'), left: tie('node'), right: tie('node') }).map(
      ({ op, left, right }): FormulaNode => ({ kind: 'binary', op, left, right }),
    ),
    tie('node').map((x): FormulaNode => ({ kind: 'call', fn: 'abs', args: [x] })),
    fc.tuple(tie('node'), tie('node'), tie('node')).map((args): FormulaNode => ({ kind: 'call', fn: 'clamp', args })),
  ),
})).node;

describe('printFormula', () => {
  it.each<[string, string]>([
    ['100*rate(checkout.errors)/rate(checkout.requests)', '100 * rate(checkout.errors) / rate(checkout.requests)'],
    ['((a + b)) * c', '(a + b) * c'],
    ['a - (b - c)', 'a - (b - c)'],
    ['(a - b) - c', 'a - b - c'],
    ['a / (b * c)', 'a / (b * c)'],
    ['-(a + b)', '-(a + b)'],
    ['- - a', '--a'],
    ['clamp( x ,0,1 )', 'clamp(x, 0, 1)'],
    ['1e21 + 0.000001', '1e+21 + 0.000001'],
  ])('%s prints as %s', (source, printed) => {
    expect(printFormula(parseFormulaAst(source))).toBe(printed);
  });

  it('round-trips: printing any tree and parsing it again gives the same tree', () => {
    fc.assert(
      fc.property(formulaNode, (ast) => {
        expect(parseFormulaAst(printFormula(ast))).toEqual(ast);
      }),
      { numRuns: 1_000 },
    );
  });

  it('is a fixed point: printing a parsed printed formula gives the same text', () => {
    fc.assert(
      fc.property(formulaNode, (ast) => {
        const printed = printFormula(ast);
        expect(printFormula(parseFormulaAst(printed))).toBe(printed);
      }),
      { numRuns: 500 },
    );
  });
});
