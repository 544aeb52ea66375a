import type { MetricDefinition } from '@telemetry/contracts';

/** A breach of a catalog `alert` rule: the value crossed a line a person drew. */
export interface StaticBreach {
  rule: 'above' | 'below' | 'drop';
  /** The line crossed; for a drop, the level the series fell under (its expected level less dropPercent). */
  threshold: number;
}

/** What the series' own detector knows about it, for rules drawn relative to its usual level. */
export interface SeriesBaseline {
  /** The level the detector expected for this point; null before it learned anything. */
  expected: number | null;
  /** Whether the detector is past its warm-up: before that its level is only a guess. */
  isWarm: boolean;
}

/**
 * The catalog's static rules for one value. `above` and `below` are strict: a value exactly on the
 * line is still acceptable, as "latency above 2 s" reads. `dropPercent` is judged per series
 * against that series' own expected level, and only once the detector is warm and the level is at
 * least `dropFrom`: a source that always sends little never "drops", one that sent plenty and
 * stops does.
 */
export const evaluateStaticRules = (alert: MetricDefinition['alert'], value: number, baseline?: SeriesBaseline): StaticBreach | null => {
  if (!alert) return null;
  if (alert.above !== undefined && value > alert.above) return { rule: 'above', threshold: alert.above };
  if (alert.below !== undefined && value < alert.below) return { rule: 'below', threshold: alert.below };
  if (alert.dropPercent !== undefined && baseline?.isWarm === true && baseline.expected !== null) {
    const expected = baseline.expected;
    const floor = (expected * (100 - alert.dropPercent)) / 100;
    if (expected > 0 && expected >= (alert.dropFrom ?? 0) && value < floor) return { rule: 'drop', threshold: floor };
  }
  return null;
};
