import type { AttributeValue, Attributes } from '@telemetry/contracts';

/** One series' totals over the mined range (sum of its rollup buckets). */
export interface SegmentInput {
  attributes: Attributes;
  count: number;
  sum: number;
}

export interface SegmentPattern {
  kind: 'segment';
  subject: { attribute: string; value: AttributeValue };
  /** In [0, 1]: 0 = the segment looks like the rest, → 1 = completely different mean. */
  strength: number;
  /** Points in the segment. */
  support: number;
  details: { segmentMean: number; restMean: number; lift: number | null; segmentCount: number; restCount: number; share: number };
}

export interface SegmentMiningOptions {
  /** Segments (and their complements) with fewer points are not judged. */
  minSupport: number;
  /** Pseudo-points pulling each segment's mean towards the overall mean (empirical Bayes). */
  priorWeight: number;
  maxResults: number;
}

export const DEFAULT_SEGMENT_MINING: SegmentMiningOptions = { minSupport: 30, priorWeight: 100, maxResults: 20 };

/**
 * Finds the attribute values (app_version=2.3, region=eu) whose mean deviates most from the rest
 * of the metric: for a 0/1 "failed" metric that is the error rate. The segment's mean is shrunk
 * towards the overall mean by `priorWeight` pseudo-points, so a 30-point segment with 3 errors
 * does not outrank a 10,000-point segment at ten times the rate by luck.
 * strength = |shrunk − overall| / (|shrunk| + |overall|): measured against the overall mean, not
 * the rest, because with two values the majority's "rest" is the deviant minority and both would
 * score alike; the majority is close to the overall mean, so the minority that causes the
 * deviation ranks first. Sorted strongest first, then by support.
 */
export const mineSegments = (inputs: readonly SegmentInput[], options: SegmentMiningOptions = DEFAULT_SEGMENT_MINING): SegmentPattern[] => {
  let totalCount = 0;
  let totalSum = 0;
  const segments = new Map<string, { attribute: string; value: AttributeValue; count: number; sum: number }>();
  for (const input of inputs) {
    totalCount += input.count;
    totalSum += input.sum;
    for (const [attribute, value] of Object.entries(input.attributes)) {
      const key = `${attribute}\u0000${typeof value}\u0000${String(value)}`;
      let segment = segments.get(key);
      if (!segment) {
        segment = { attribute, value, count: 0, sum: 0 };
        segments.set(key, segment);
      }
      segment.count += input.count;
      segment.sum += input.sum;
    }
  }
  if (totalCount === 0) return [];
  const overallMean = totalSum / totalCount;
  const patterns: SegmentPattern[] = [];
  for (const segment of segments.values()) {
    const restCount = totalCount - segment.count;
    if (segment.count < options.minSupport || restCount < options.minSupport) continue;
    const segmentMean = segment.sum / segment.count;
    const restMean = (totalSum - segment.sum) / restCount;
    const shrunkMean = (segment.sum + options.priorWeight * overallMean) / (segment.count + options.priorWeight);
    const scale = Math.abs(shrunkMean) + Math.abs(overallMean);
    const strength = scale === 0 ? 0 : Math.abs(shrunkMean - overallMean) / scale;
    patterns.push({
      kind: 'segment',
      subject: { attribute: segment.attribute, value: segment.value },
      strength,
      support: segment.count,
      details: {
        segmentMean,
        restMean,
        lift: restMean === 0 ? null : segmentMean / restMean,
        segmentCount: segment.count,
        restCount,
        share: segment.count / totalCount,
      },
    });
  }
  return patterns
    .sort((a, b) => b.strength - a.strength || b.support - a.support)
    .slice(0, options.maxResults);
};
