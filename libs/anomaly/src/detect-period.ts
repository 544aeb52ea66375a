/** Sample autocorrelation of values at a lag (whole-buffer mean and variance). */
export function autocorrelationAt(values: readonly number[], lag: number): number {
  const n = values.length;
  if (lag <= 0 || lag >= n) return 0;
  let mean = 0;
  for (let i = 0; i < n; i += 1) mean += values[i] as number;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i += 1) {
    const d = (values[i] as number) - mean;
    variance += d * d;
  }
  if (variance === 0) return 0;
  let covariance = 0;
  for (let i = 0; i + lag < n; i += 1) covariance += ((values[i] as number) - mean) * ((values[i + lag] as number) - mean);
  // Per-pair averages: with only two periods buffered, half the points have no partner at the lag.
  return covariance / (n - lag) / (variance / n);
}

export interface PeriodEvidence {
  lagPoints: number;
  autocorrelation: number;
  contrast: number;
}

/**
 * Evidence for a period of lagPoints samples. Slow trends and random walks also correlate at long
 * lags, but they correlate even more at half the lag; a real cycle is out of phase there. So a
 * period needs both a high autocorrelation and a high contrast against the half lag.
 */
export function detectPeriod(values: readonly number[], lagPoints: number): PeriodEvidence {
  const autocorrelation = autocorrelationAt(values, lagPoints);
  const half = autocorrelationAt(values, Math.round(lagPoints / 2));
  return { lagPoints, autocorrelation, contrast: autocorrelation - half };
}
