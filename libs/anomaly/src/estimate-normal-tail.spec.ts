import { describe, expect, it } from 'vitest';
import { estimateNormalTailDecades } from './estimate-normal-tail';

describe('estimateNormalTailDecades', () => {
  it.each([
    [-1, 0],
    [0, 0],
    [1, -Math.log10(0.158655)],
    [3, -Math.log10(0.0013499)],
    [6, -Math.log10(9.8659e-10)],
    [10, -Math.log10(7.6199e-24)],
  ])('z=%d gives %d decades', (z, decades) => {
    expect(estimateNormalTailDecades(z)).toBeCloseTo(decades, 2);
  });

  it('is continuous where it switches to the asymptotic form', () => {
    expect(Math.abs(estimateNormalTailDecades(7.9999) - estimateNormalTailDecades(8.0001))).toBeLessThan(0.02);
  });
});
