import type { Attributes } from '@telemetry/contracts';
import { bucketStartMs } from './bucket-time';
import { createSketch, type QuantileSketch } from './quantile-sketch';

/** One metric's aggregate over one series and one time bucket: what a rollups_1m/1h row holds. */
export interface RollupBucket {
  metric: string;
  series: string;
  bucketStartMs: number;
  /** The series' attributes (declared + enrichment), kept so rollups can be grouped and mined. */
  attributes: Attributes;
  count: number;
  sum: number;
  min: number;
  max: number;
  /** Null only for a bucket read back without a sketch (a derived metric's row). */
  sketch: QuantileSketch | null;
}

/** A stored point, reduced to what a rollup needs. */
export interface RollupPoint {
  metric: string;
  series: string;
  attributes: Attributes;
  timeMs: number;
  value: number;
}

/** Map key of a bucket; '\u0000' cannot occur in metric names or series keys. */
export const bucketKey = (metric: string, series: string, startMs: number): string => `${metric}\u0000${series}\u0000${startMs}`;

export const emptyBucket = (metric: string, series: string, startMs: number, attributes: Attributes): RollupBucket => ({
  metric,
  series,
  bucketStartMs: startMs,
  attributes,
  count: 0,
  sum: 0,
  min: Infinity,
  max: -Infinity,
  sketch: createSketch(),
});

/** Aggregates points into buckets of `bucketSeconds` per metric and series. */
export const aggregatePoints = (points: Iterable<RollupPoint>, bucketSeconds: number): Map<string, RollupBucket> => {
  const buckets = new Map<string, RollupBucket>();
  for (const point of points) {
    const start = bucketStartMs(point.timeMs, bucketSeconds);
    const key = bucketKey(point.metric, point.series, start);
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = emptyBucket(point.metric, point.series, start, point.attributes);
      buckets.set(key, bucket);
    }
    bucket.count += 1;
    bucket.sum += point.value;
    if (point.value < bucket.min) bucket.min = point.value;
    if (point.value > bucket.max) bucket.max = point.value;
    bucket.sketch?.accept(point.value);
  }
  return buckets;
};

/**
 * Merges `source` into `target` (mutating it): counts and sums add, min/max widen, sketches merge
 * bin by bin, so the result equals aggregating both sets of points at once.
 */
export const mergeInto = (target: RollupBucket, source: RollupBucket): RollupBucket => {
  target.count += source.count;
  target.sum += source.sum;
  target.min = Math.min(target.min, source.min);
  target.max = Math.max(target.max, source.max);
  if (source.sketch && source.sketch.count > 0) {
    if (target.sketch) target.sketch.merge(source.sketch);
    else {
      target.sketch = createSketch();
      target.sketch.merge(source.sketch);
    }
  }
  return target;
};
