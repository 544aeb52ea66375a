import { describe, expect, it } from 'vitest';
import { createSpikeState, scoreSpike } from './score-spike';

/** Deterministic unit-variance residuals (a sum of incommensurate sines). */
const residual = (i: number): number => Math.SQRT2 * Math.sin(i * 1.7) * 0.8 + 0.6 * Math.sin(i * 0.31);

describe('scoreSpike', () => {
  it.each([
    ['a 10-spread spike', 10, 15],
    ['a -10-spread dip', -10, 15],
    ['a 6-spread spike', 6, 5],
  ])('finds %s far more surprising than ordinary residuals', (_name, spike, minDecades) => {
    const state = createSpikeState();
    let ordinaryMax = 0;
    for (let i = 0; i < 2000; i += 1) ordinaryMax = Math.max(ordinaryMax, scoreSpike(state, residual(i), 0.001));
    expect(ordinaryMax).toBeLessThan(2);
    expect(scoreSpike(state, spike, 0.001)).toBeGreaterThan(minDecades);
  });

  it('discounts residuals when the series is habitually wider than its spread estimate', () => {
    const narrow = createSpikeState();
    const wide = createSpikeState();
    for (let i = 0; i < 2000; i += 1) {
      scoreSpike(narrow, residual(i), 0.001);
      scoreSpike(wide, 3 * residual(i), 0.001);
    }
    expect(scoreSpike(wide, 6, 0.001)).toBeLessThan(scoreSpike(narrow, 6, 0.001));
  });
});
