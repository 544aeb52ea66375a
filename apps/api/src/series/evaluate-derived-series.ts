import { evaluate, type Formula, type FormulaInput } from '@telemetry/formula';
import type { Series, SeriesPoint } from './series.model';

/** The series a formula reads, each computed with the same step, groupBy and where as the derived one. */
export interface DerivedInputs {
  /** Measured metrics read through rate/sum/count/…: their merged buckets. */
  readonly aggregated: ReadonlyMap<string, readonly Series[]>;
  /** Derived metrics read bare: their computed values. */
  readonly bare: ReadonlyMap<string, readonly Series[]>;
}

const groupKey = (group: Record<string, string | null>, groupKeys: readonly string[]) => JSON.stringify(groupKeys.map((key) => group[key] ?? null));

/**
 * A derived metric's series: for every (group, bucket) that any input has, the formula evaluated
 * with libs/formula over the inputs' merged buckets. bucketSeconds is the step, so rate() is per
 * second over the bucket the caller asked for, whatever rollup table the inputs came from.
 */
export const evaluateDerivedSeries = (
  formula: Formula,
  inputs: DerivedInputs,
  groupKeys: readonly string[],
  stepSeconds: number,
): Series[] => {
  const cells = new Map<string, { group: Record<string, string | null>; buckets: Map<number, Record<string, FormulaInput>> }>();
  const cellFor = (group: Record<string, string | null>) => {
    const key = groupKey(group, groupKeys);
    let cell = cells.get(key);
    if (cell === undefined) {
      cell = { group, buckets: new Map() };
      cells.set(key, cell);
    }
    return cell;
  };
  const add = (metric: string, series: readonly Series[], toInput: (point: SeriesPoint) => FormulaInput) => {
    for (const one of series) {
      const cell = cellFor(one.group);
      for (const point of one.points) {
        const at = point.t.getTime();
        const bucket = cell.buckets.get(at) ?? {};
        bucket[metric] = toInput(point);
        cell.buckets.set(at, bucket);
      }
    }
  };
  for (const [metric, series] of inputs.aggregated) {
    add(metric, series, (point) => ({ ...point, bucketSeconds: stepSeconds }));
  }
  for (const [metric, series] of inputs.bare) add(metric, series, (point) => ({ value: point.value }));
  // A measured input with no events in a (group, bucket) had an empty bucket there, not an unknown
  // one: count, sum and rate read 0 (an error rate without errors is 0); avg, min, max and
  // quantiles of nothing stay null. The processor's derived rollups read inputs the same way.
  const empty: FormulaInput = { count: 0, sum: 0, min: null, max: null, p50: null, p95: null, p99: null, bucketSeconds: stepSeconds };
  for (const cell of cells.values()) {
    for (const bucket of cell.buckets.values()) {
      for (const metric of inputs.aggregated.keys()) bucket[metric] ??= empty;
    }
  }

  return [...cells.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, cell]) => ({
      group: cell.group,
      points: [...cell.buckets.entries()]
        .sort(([a], [b]) => a - b)
        .map(([at, bucketInputs]) => ({
          t: new Date(at),
          count: 0,
          sum: null,
          min: null,
          max: null,
          avg: null,
          p50: null,
          p95: null,
          p99: null,
          value: evaluate(formula, bucketInputs),
        })),
    }));
};
