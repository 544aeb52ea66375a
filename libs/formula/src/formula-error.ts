import { TelemetryError } from '@telemetry/contracts';

export type FormulaErrorCode =
  | 'formula_empty'
  | 'formula_too_long'
  | 'formula_syntax'
  | 'formula_too_deep'
  | 'formula_number_range'
  | 'formula_invalid_name'
  | 'formula_unknown_function'
  | 'formula_arity';

/**
 * A formula that cannot be parsed. Permanent (never retriable): the catalog entry must be fixed.
 * `column` is 1-based within the formula source, so the catalog can point at the exact spot.
 */
export class FormulaError extends TelemetryError<FormulaErrorCode> {
  constructor(
    code: FormulaErrorCode,
    message: string,
    readonly column: number,
  ) {
    super(code, message, false);
  }
}
