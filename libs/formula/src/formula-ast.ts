/**
 * The syntax tree of a derived-metric formula. Plain data: printable, comparable with deep
 * equality, and safe to store or send (no functions, no prototypes beyond Object).
 */

/** Functions over one metric's rollup bucket; their argument must be a metric name. */
export const AGGREGATE_FUNCTIONS = ['rate', 'sum', 'count', 'avg', 'min', 'max', 'p50', 'p95', 'p99'] as const;
export type AggregateFunction = (typeof AGGREGATE_FUNCTIONS)[number];

/** Functions over numbers; their arguments are expressions. */
export const SCALAR_FUNCTIONS = { abs: 1, clamp: 3 } as const;
export type ScalarFunction = keyof typeof SCALAR_FUNCTIONS;

export type BinaryOperator = '+' | '-' | '*' | '/';

export type FormulaNode =
  | { readonly kind: 'number'; readonly value: number }
  /** A bare metric name: the referenced (derived) metric's computed `value` for the bucket. */
  | { readonly kind: 'metric'; readonly name: string }
  | { readonly kind: 'aggregate'; readonly fn: AggregateFunction; readonly metric: string }
  | { readonly kind: 'call'; readonly fn: ScalarFunction; readonly args: readonly FormulaNode[] }
  | { readonly kind: 'negate'; readonly operand: FormulaNode }
  | { readonly kind: 'binary'; readonly op: BinaryOperator; readonly left: FormulaNode; readonly right: FormulaNode };

export const isAggregateFunction = (name: string): name is AggregateFunction =>
  (AGGREGATE_FUNCTIONS as readonly string[]).includes(name);

export const isScalarFunction = (name: string): name is ScalarFunction =>
  Object.prototype.hasOwnProperty.call(SCALAR_FUNCTIONS, name);
