import { evaluate, type FormulaInput, type FormulaInputs } from '@telemetry/formula';
import type { Catalog } from './catalog';

/**
 * Every derived metric's value for one bucket, given the measured metrics' aggregates for it.
 * Evaluated in `catalog.derivedOrder`, so a derived metric that reads another sees its value.
 * A derived metric whose inputs are missing gets null (and so do the ones that read it).
 */
export const evaluateDerivedMetrics = (catalog: Catalog, measured: FormulaInputs): Map<string, number | null> => {
  const values = new Map<string, number | null>();
  const inputs: Record<string, FormulaInput | null | undefined> = { ...measured };
  for (const name of catalog.derivedOrder) {
    const formula = catalog.metrics.get(name)?.formula;
    if (!formula) continue;
    const value = evaluate(formula, inputs);
    values.set(name, value);
    // Catalog names are validated (no __proto__/constructor segments), so this key is plain data.
    inputs[name] = { value };
  }
  return values;
};
