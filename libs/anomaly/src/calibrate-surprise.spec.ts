import { describe, expect, it } from 'vitest';
import { calibrateSurprise, createSurpriseCalibration } from './calibrate-surprise';

describe('calibrateSurprise', () => {
  it('never reports more surprise than the textbook figure', () => {
    const state = createSurpriseCalibration();
    for (let i = 0; i < 500; i += 1) expect(calibrateSurprise(state, (i % 7) * 0.5, 0.001)).toBeLessThanOrEqual((i % 7) * 0.5);
  });

  it.each([
    ['a surprise the series produces every few points', 3, 1],
    ['a surprise far beyond anything seen', 12, 8],
  ])('rates %s against the history', (_name, decades, expectedAtLeast) => {
    const state = createSurpriseCalibration();
    // A heavy-tailed series: a 3-decade textbook surprise every 5th point.
    for (let i = 0; i < 3000; i += 1) calibrateSurprise(state, i % 5 === 0 ? 3 : 0.2, 1 / 1500);
    const calibrated = calibrateSurprise(state, decades, 1 / 1500);
    if (decades === 3) expect(calibrated).toBeLessThan(expectedAtLeast);
    else expect(calibrated).toBeGreaterThan(expectedAtLeast);
  });

  it('trusts a record only once the history is long enough', () => {
    const young = createSurpriseCalibration();
    const old = createSurpriseCalibration();
    for (let i = 0; i < 50; i += 1) calibrateSurprise(young, 0.2, 1 / 1500);
    for (let i = 0; i < 3000; i += 1) calibrateSurprise(old, 0.2, 1 / 1500);
    expect(calibrateSurprise(young, 10, 1 / 1500)).toBeLessThan(calibrateSurprise(old, 10, 1 / 1500));
  });
});
