import type { MetricDefinition } from '@telemetry/contracts';

/** A breach of a catalog `alert` rule: the value crossed a line a person drew. */
export interface StaticBreach {
  rule: 'above' | 'below';
  threshold: number;
}

/**
 * The catalog's static rule for one value. `above` and `below` are strict: a value exactly on the
 * line is still acceptable, as "latency above 2 s" reads.
 */
export const evaluateStaticRules = (alert: MetricDefinition['alert'], value: number): StaticBreach | null => {
  if (!alert) return null;
  if (alert.above !== undefined && value > alert.above) return { rule: 'above', threshold: alert.above };
  if (alert.below !== undefined && value < alert.below) return { rule: 'below', threshold: alert.below };
  return null;
};
