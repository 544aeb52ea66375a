import type { Severity } from '@telemetry/contracts';

/** Score bands: the detector's scores are calibrated tail surprises, so the bands hold across series. */
export const WARNING_SCORE = 0.6;
export const CRITICAL_SCORE = 0.85;

export function severityForScore(score: number): Severity {
  if (score >= CRITICAL_SCORE) return 'critical';
  if (score >= WARNING_SCORE) return 'warning';
  return 'info';
}
