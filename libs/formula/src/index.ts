/**
 * libs/formula — the safe expression language of derived metrics (ARCHITECTURE.md, metric catalog):
 * numbers, dotted metric names, + - * /, parentheses, unary minus, aggregates over one rollup
 * bucket (rate sum count avg min max p50 p95 p99) and abs/clamp. Parsed once to a tree and
 * compiled to closures; evaluation never throws and yields null instead of Infinity/NaN.
 * Pure (type:domain): imports only libs/contracts. Never eval, Function, dynamic property paths,
 * Node I/O, NestJS, kafkajs, TypeORM or pg.
 */
export * from './formula-ast';
export * from './formula-error';
export { parseFormula, parseFormulaAst, MAX_FORMULA_DEPTH, MAX_FORMULA_LENGTH, type Formula } from './parse-formula';
export { printFormula } from './print-formula';
export type { FormulaInput, FormulaInputs } from './compile-formula';
export { evaluate } from './evaluate';
export { orderFormulas, type FormulaOrder } from './order-formulas';
