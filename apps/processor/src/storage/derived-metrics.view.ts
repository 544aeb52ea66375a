import type { MetricDefinition } from '@telemetry/contracts';
import { parseFormula } from '@telemetry/formula';
import type { DerivedMetric } from '@telemetry/rollup';

export interface FormulaProblem {
  metric: string;
  error: unknown;
}

/**
 * The catalog's derived metrics with their formulas parsed, rebuilt when the catalog changes.
 * A formula that does not parse is reported and left out: the catalog validates formulas, so this
 * only guards against a definition written to catalog.v1 by hand.
 */
export const derivedMetricsOf = (definitions: readonly MetricDefinition[], onProblem: (problem: FormulaProblem) => void): DerivedMetric[] => {
  const derived: DerivedMetric[] = [];
  for (const definition of definitions) {
    if (definition.type !== 'derived' || !definition.formula) continue;
    try {
      derived.push({ name: definition.name, formula: parseFormula(definition.formula), attributes: definition.attributes });
    } catch (error) {
      onProblem({ metric: definition.name, error });
    }
  }
  return derived;
};
