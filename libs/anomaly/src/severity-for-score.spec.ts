import { describe, expect, it } from 'vitest';
import { CRITICAL_SCORE, severityForScore, WARNING_SCORE } from './severity-for-score';

describe('severityForScore', () => {
  it.each([
    [0, 'info'],
    [WARNING_SCORE - 0.001, 'info'],
    [WARNING_SCORE, 'warning'],
    [CRITICAL_SCORE - 0.001, 'warning'],
    [CRITICAL_SCORE, 'critical'],
    [1, 'critical'],
  ])('maps %d to %s', (score, severity) => {
    expect(severityForScore(score)).toBe(severity);
  });

  it('orders the bands inside (0, 1)', () => {
    expect(0 < WARNING_SCORE && WARNING_SCORE < CRITICAL_SCORE && CRITICAL_SCORE < 1).toBe(true);
  });
});
