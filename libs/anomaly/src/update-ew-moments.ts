/** Exponentially weighted mean and variance: O(1) memory, plain-JSON state. */
export interface EwMoments {
  mean: number;
  variance: number;
  count: number;
}

export function createEwMoments(): EwMoments {
  return { mean: 0, variance: 0, count: 0 };
}

/**
 * Folds x in with weight max(alpha, 1/count), so the first samples form a plain running mean/variance
 * (fast, unbiased start) and later ones an exponential window of about 1/alpha samples.
 */
export function updateEwMoments(moments: EwMoments, x: number, alpha: number): void {
  moments.count += 1;
  const weight = Math.max(alpha, 1 / moments.count);
  const delta = x - moments.mean;
  moments.mean += weight * delta;
  moments.variance = (1 - weight) * (moments.variance + weight * delta * delta);
}
