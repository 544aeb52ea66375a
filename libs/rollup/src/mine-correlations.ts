/** A metric's value per bucket (bucket start epoch ms → value). */
export type BucketSeries = ReadonlyMap<number, number>;

export interface CorrelationPattern {
  kind: 'correlation';
  subject: { metric: string };
  /** |Pearson r| over the buckets both metrics have. */
  strength: number;
  /** Buckets compared. */
  support: number;
  details: { r: number };
}

export interface CorrelationMiningOptions {
  /** Fewer common buckets than this and a correlation means nothing. */
  minPoints: number;
  maxResults: number;
}

export const DEFAULT_CORRELATION_MINING: CorrelationMiningOptions = { minPoints: 10, maxResults: 10 };

/** Pearson correlation of two aligned samples; null when either is constant. */
export const pearson = (xs: readonly number[], ys: readonly number[]): number | null => {
  const n = xs.length;
  if (n === 0 || n !== ys.length) return null;
  let meanX = 0;
  let meanY = 0;
  for (let i = 0; i < n; i += 1) {
    meanX += xs[i] as number;
    meanY += ys[i] as number;
  }
  meanX /= n;
  meanY /= n;
  let covariance = 0;
  let varianceX = 0;
  let varianceY = 0;
  for (let i = 0; i < n; i += 1) {
    const dx = (xs[i] as number) - meanX;
    const dy = (ys[i] as number) - meanY;
    covariance += dx * dy;
    varianceX += dx * dx;
    varianceY += dy * dy;
  }
  if (varianceX === 0 || varianceY === 0) return null;
  return Math.max(-1, Math.min(1, covariance / Math.sqrt(varianceX * varianceY)));
};

/**
 * The metrics whose bucket values move most with `target`'s (positively or negatively), over the
 * buckets both have. Strongest first; ties by support.
 */
export const mineCorrelations = (
  target: string,
  seriesByMetric: ReadonlyMap<string, BucketSeries>,
  options: CorrelationMiningOptions = DEFAULT_CORRELATION_MINING,
): CorrelationPattern[] => {
  const targetSeries = seriesByMetric.get(target);
  if (!targetSeries) return [];
  const patterns: CorrelationPattern[] = [];
  for (const [metric, series] of seriesByMetric) {
    if (metric === target) continue;
    const xs: number[] = [];
    const ys: number[] = [];
    for (const [bucketStart, value] of targetSeries) {
      const other = series.get(bucketStart);
      if (other === undefined) continue;
      xs.push(value);
      ys.push(other);
    }
    if (xs.length < options.minPoints) continue;
    const r = pearson(xs, ys);
    if (r === null) continue;
    patterns.push({ kind: 'correlation', subject: { metric }, strength: Math.abs(r), support: xs.length, details: { r } });
  }
  return patterns.sort((a, b) => b.strength - a.strength || b.support - a.support).slice(0, options.maxResults);
};
