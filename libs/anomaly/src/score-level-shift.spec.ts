import { describe, expect, it } from 'vitest';
import { createLevelShiftState, scoreLevelShift } from './score-level-shift';

const noise = (i: number): number => Math.sin(i * 2.3) * 0.9;

describe('scoreLevelShift (CUSUM)', () => {
  it.each([
    ['an upward shift of 3 spreads', 3],
    ['a downward shift of 3 spreads', -3],
    ['an upward shift of 1.5 spreads', 1.5],
  ])('accumulates evidence for %s and confirms it with an estimate of its size', (_name, shift) => {
    const state = createLevelShiftState();
    let cleanMax = 0;
    for (let i = 0; i < 1000; i += 1) cleanMax = Math.max(cleanMax, scoreLevelShift(state, noise(i), noise(i) * 2, 0.5, 30).decades);
    let confirmedShift = 0;
    let pointsToConfirm = 0;
    for (let i = 0; i < 200 && confirmedShift === 0; i += 1) {
      const u = shift + noise(i);
      confirmedShift = scoreLevelShift(state, u, u * 2, 0.5, 30).confirmedShift;
      pointsToConfirm = i + 1;
    }
    expect(cleanMax).toBeLessThan(2);
    expect(pointsToConfirm).toBeLessThan(40 / (Math.abs(shift) - 0.5));
    // Residual = 2 × standardised residual here, so the estimate is near twice the shift (a little
    // low: the run that confirms it starts with a few pre-shift points).
    expect(Math.sign(confirmedShift)).toBe(Math.sign(shift));
    expect(Math.abs(confirmedShift - 2 * shift)).toBeLessThan(0.3 * Math.abs(2 * shift));
  });

  it('restarts after a confirmed shift', () => {
    const state = createLevelShiftState();
    let result = { decades: 0, confirmedShift: 0 };
    while (result.confirmedShift === 0) result = scoreLevelShift(state, 4, 4, 0.5, 30);
    expect(state).toEqual(createLevelShiftState());
  });
});
