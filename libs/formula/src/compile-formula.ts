import type { AggregateFunction, BinaryOperator, FormulaNode } from './formula-ast';

/**
 * What a formula reads for one metric in one rollup bucket (a `metrics.rollup.v1` record, or a
 * derived metric's computed value). Absent, null or non-finite fields count as missing.
 */
export interface FormulaInput {
  readonly count?: number | null;
  readonly sum?: number | null;
  readonly min?: number | null;
  readonly max?: number | null;
  readonly p50?: number | null;
  readonly p95?: number | null;
  readonly p99?: number | null;
  readonly bucketSeconds?: number | null;
  /** A derived metric's computed value for this bucket: what a bare reference reads. */
  readonly value?: number | null;
}

/** Per referenced metric name, its bucket. Read by own name only; never walked. */
export type FormulaInputs = Readonly<Record<string, FormulaInput | null | undefined>>;

/**
 * Internally "no value" is NaN: it propagates through arithmetic for free, and the public
 * `evaluate` turns it into null at the end. Every operation that could produce ±Infinity
 * (division by zero, overflow) yields NaN instead, so no Infinity ever escapes.
 */
export type CompiledFormula = (inputs: FormulaInputs) => number;

const finiteOrNaN = (value: number | null | undefined): number =>
  typeof value === 'number' && Number.isFinite(value) ? value : NaN;

const divide = (numerator: number, denominator: number): number => {
  if (denominator === 0) return NaN;
  const quotient = numerator / denominator;
  return Number.isFinite(quotient) ? quotient : NaN;
};

/** rate = sum per second over the bucket; avg = sum / count. Both null on a zero divisor. */
const compileAggregate = (fn: AggregateFunction, metric: string): CompiledFormula => {
  const bucket = (inputs: FormulaInputs): FormulaInput | null | undefined => inputs[metric];
  switch (fn) {
    case 'rate':
      return (inputs) => {
        const b = bucket(inputs);
        return b ? divide(finiteOrNaN(b.sum), finiteOrNaN(b.bucketSeconds)) : NaN;
      };
    case 'avg':
      return (inputs) => {
        const b = bucket(inputs);
        return b ? divide(finiteOrNaN(b.sum), finiteOrNaN(b.count)) : NaN;
      };
    case 'sum':
    case 'count':
    case 'min':
    case 'max':
    case 'p50':
    case 'p95':
    case 'p99':
      return (inputs) => {
        const b = bucket(inputs);
        return b ? finiteOrNaN(b[fn]) : NaN;
      };
  }
};

const arithmetic = (value: number): number => (Number.isFinite(value) ? value : NaN);

const compileBinary = (op: BinaryOperator, left: CompiledFormula, right: CompiledFormula): CompiledFormula => {
  switch (op) {
    case '+':
      return (inputs) => arithmetic(left(inputs) + right(inputs));
    case '-':
      return (inputs) => arithmetic(left(inputs) - right(inputs));
    case '*':
      return (inputs) => arithmetic(left(inputs) * right(inputs));
    case '/':
      return (inputs) => divide(left(inputs), right(inputs));
  }
};

/** Recursion is bounded by MAX_FORMULA_DEPTH, which the parser enforced. */
export const compileFormula = (node: FormulaNode): CompiledFormula => {
  switch (node.kind) {
    case 'number': {
      const value = node.value;
      return () => value;
    }
    case 'metric': {
      const name = node.name;
      return (inputs) => {
        const b = inputs[name];
        return b ? finiteOrNaN(b.value) : NaN;
      };
    }
    case 'aggregate':
      return compileAggregate(node.fn, node.metric);
    case 'negate': {
      const operand = compileFormula(node.operand);
      return (inputs) => -operand(inputs);
    }
    case 'binary':
      return compileBinary(node.op, compileFormula(node.left), compileFormula(node.right));
    case 'call': {
      const args = node.args.map(compileFormula);
      if (node.fn === 'abs') {
        const [x] = args as [CompiledFormula];
        return (inputs) => Math.abs(x(inputs));
      }
      const [x, lo, hi] = args as [CompiledFormula, CompiledFormula, CompiledFormula];
      return (inputs) => {
        const low = lo(inputs);
        const high = hi(inputs);
        // An empty range has no answer; NaN (null) is honest where picking a bound would not be.
        if (!(low <= high)) return NaN;
        return Math.min(Math.max(x(inputs), low), high);
      };
    }
  }
};

/** The formula's value for one bucket, or null when an input is missing or a divisor is zero. */
export const evaluateCompiled = (compiled: CompiledFormula, inputs: FormulaInputs): number | null => {
  const value = compiled(inputs);
  return Number.isNaN(value) ? null : value;
};
