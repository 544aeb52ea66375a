import type { Attributes } from '@telemetry/contracts';
import { evaluate, orderFormulas, type Formula, type FormulaInput, type FormulaInputs, type FormulaNode } from '@telemetry/formula';
import { emptyBucket, mergeInto, type RollupBucket } from './rollup-bucket';
import { sketchQuantiles } from './quantile-sketch';
import { seriesIdentity } from './series-attributes';

/** A derived metric of the catalog, its formula parsed once. */
export interface DerivedMetric {
  name: string;
  formula: Formula;
  /** Its declared attributes: the series it is computed for (none = one series over all inputs). */
  attributes: readonly string[];
}

export interface DerivedValue {
  metric: string;
  series: string;
  attributes: Attributes;
  bucketStartMs: number;
  value: number;
}

/**
 * The derived metrics to recompute when the buckets of `touched` metrics changed, each after the
 * derived metrics it reads, and the measured metrics their formulas read (what to load).
 * A formula cycle leaves its members out (the catalog refuses cycles; this only guards).
 */
export const planDerivation = (
  derived: readonly DerivedMetric[],
  touched: ReadonlySet<string>,
): { order: DerivedMetric[]; measuredInputs: string[] } => {
  const byName = new Map(derived.map((metric) => [metric.name, metric]));
  const affected = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const metric of derived) {
      if (affected.has(metric.name)) continue;
      if (metric.formula.references.some((name) => touched.has(name) || affected.has(name))) {
        affected.add(metric.name);
        grew = true;
      }
    }
  }
  // A recomputed derived metric needs the current values of the derived metrics it reads, even
  // when their own inputs did not change: recompute those too (it is idempotent).
  const pending = [...affected];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    for (const read of byName.get(name)?.formula.bareReferences ?? []) {
      if (byName.has(read) && !affected.has(read)) {
        affected.add(read);
        pending.push(read);
      }
    }
  }
  const ordered = orderFormulas(new Map([...affected].map((name) => [name, byName.get(name)?.formula.references ?? []])));
  const order = ordered.order.map((name) => byName.get(name)).filter((metric): metric is DerivedMetric => metric !== undefined);
  const measured = new Set<string>();
  for (const metric of order) for (const name of metric.formula.aggregatedReferences) if (!byName.has(name)) measured.add(name);
  return { order, measuredInputs: [...measured] };
};

interface Group {
  bucketStartMs: number;
  identity: { series: string; attributes: Attributes };
  measured: Map<string, RollupBucket>;
  derived: Map<string, number | null>;
}

const toFormulaInput = (bucket: RollupBucket, bucketSeconds: number): FormulaInput => ({
  count: bucket.count,
  sum: bucket.sum,
  min: bucket.min,
  max: bucket.max,
  bucketSeconds,
  ...sketchQuantiles(bucket.sketch),
});

/**
 * Evaluates derived metrics per bucket. Each derived metric's series projects its inputs' series
 * onto its own declared attributes, so `error_rate` with attributes [region] reads, per region,
 * the sum over every other attribute of its inputs (sketches merged for quantiles).
 * `metrics` must be in evaluation order (planDerivation); a measured input without events in a
 * bucket reads as an empty bucket; a null result (a derived input without a value, division by
 * zero) produces no value: the bucket has no derived point.
 */
export const deriveBuckets = (
  metrics: readonly DerivedMetric[],
  inputs: readonly RollupBucket[],
  bucketSeconds: number,
): DerivedValue[] => {
  const results: DerivedValue[] = [];
  const computed = new Map<string, DerivedValue[]>();
  for (const metric of metrics) {
    const groups = new Map<string, Group>();
    const groupFor = (bucketStart: number, attributes: Attributes): Group => {
      const identity = seriesIdentity(attributes, metric.attributes, []);
      const key = `${bucketStart}\u0000${identity.series}`;
      let group = groups.get(key);
      if (!group) {
        group = { bucketStartMs: bucketStart, identity, measured: new Map(), derived: new Map() };
        groups.set(key, group);
      }
      return group;
    };
    const reads = new Set(metric.formula.aggregatedReferences);
    for (const bucket of inputs) {
      if (!reads.has(bucket.metric)) continue;
      const group = groupFor(bucket.bucketStartMs, bucket.attributes);
      let merged = group.measured.get(bucket.metric);
      if (!merged) {
        merged = emptyBucket(bucket.metric, group.identity.series, bucket.bucketStartMs, group.identity.attributes);
        group.measured.set(bucket.metric, merged);
      }
      mergeInto(merged, bucket);
    }
    for (const name of metric.formula.bareReferences) {
      for (const value of computed.get(name) ?? []) {
        const group = groupFor(value.bucketStartMs, value.attributes);
        // Several finer derived series cannot be combined without knowing what they mean: no value.
        group.derived.set(name, group.derived.has(name) ? null : value.value);
      }
    }
    const values: DerivedValue[] = [];
    for (const group of groups.values()) {
      const formulaInputs: Record<string, FormulaInput> = {};
      // A measured input with no events in this bucket and series had an empty bucket, not an
      // unknown one: count, sum and rate are 0 (an error rate with no errors is 0, not missing);
      // avg, min, max and quantiles of nothing stay null.
      for (const name of reads) formulaInputs[name] = toFormulaInput(group.measured.get(name) ?? emptyBucket(name, group.identity.series, group.bucketStartMs, group.identity.attributes), bucketSeconds);
      for (const [name, value] of group.derived) formulaInputs[name] = { value };
      const value = evaluate(metric.formula, formulaInputs as FormulaInputs);
      if (value === null) continue;
      values.push({
        metric: metric.name,
        series: group.identity.series,
        attributes: group.identity.attributes,
        bucketStartMs: group.bucketStartMs,
        value,
      });
    }
    computed.set(metric.name, values);
    results.push(...values);
  }
  return results;
};

const readsQuantiles = (node: FormulaNode): boolean => {
  switch (node.kind) {
    case 'aggregate':
      return node.fn === 'p50' || node.fn === 'p95' || node.fn === 'p99';
    case 'binary':
      return readsQuantiles(node.left) || readsQuantiles(node.right);
    case 'negate':
      return readsQuantiles(node.operand);
    case 'call':
      return node.args.some(readsQuantiles);
    case 'number':
    case 'metric':
      return false;
  }
};

/** Whether any of these formulas reads p50/p95/p99: only then are the inputs' sketches worth decoding. */
export const needsSketches = (metrics: readonly DerivedMetric[]): boolean => metrics.some((metric) => readsQuantiles(metric.formula.ast));
