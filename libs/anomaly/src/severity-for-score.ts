import type { Severity } from '@telemetry/contracts';

/**
 * Score bands. Scores are calibrated rarities (decades beyond chance and beyond the series' own
 * recent history, over decadesAtFullScore), so one set of bands holds across series. Warning sits
 * at the best single threshold on the NAB data (about 0.29); clean synthetic noise stays below 0.1.
 */
export const WARNING_SCORE = 0.3;
export const CRITICAL_SCORE = 0.6;

export function severityForScore(score: number): Severity {
  if (score >= CRITICAL_SCORE) return 'critical';
  if (score >= WARNING_SCORE) return 'warning';
  return 'info';
}
