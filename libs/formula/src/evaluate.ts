import { evaluateCompiled, type FormulaInputs } from './compile-formula';
import type { Formula } from './parse-formula';

/**
 * A derived metric's value for one bucket. Null when an input is missing or not finite, when a
 * divisor is zero (x / 0, rate with bucketSeconds 0, avg with count 0), or when clamp's range is
 * empty: never Infinity or NaN.
 */
export const evaluate = (formula: Formula, inputs: FormulaInputs): number | null => evaluateCompiled(formula.compiled, inputs);
