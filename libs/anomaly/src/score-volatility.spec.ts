import { describe, expect, it } from 'vitest';
import { createVolatilityState, scoreVolatility } from './score-volatility';

const noise = (i: number): number => Math.sin(i * 2.3) + 0.5 * Math.sin(i * 0.7);

describe('scoreVolatility', () => {
  it.each<[string, (i: number) => number]>([
    ['three times noisier residuals', (i) => 3 * noise(i)],
    ['frequent spikes', (i) => (i % 4 === 0 ? 5 : noise(i))],
    ['a signal gone quiet (stuck sensor)', () => 0],
  ])('finds %s surprising while ordinary residuals are not', (_name, changed) => {
    const state = createVolatilityState();
    let cleanMax = 0;
    for (let i = 0; i < 3000; i += 1) cleanMax = Math.max(cleanMax, scoreVolatility(state, noise(i), 0.1, 0.001));
    let changedMax = 0;
    for (let i = 0; i < 40; i += 1) changedMax = Math.max(changedMax, scoreVolatility(state, changed(i), 0.1, 0.001));
    expect(cleanMax).toBeLessThan(3);
    expect(changedMax).toBeGreaterThan(cleanMax + 2);
  });

  it('rates a sustained change above one large residual', () => {
    const single = createVolatilityState();
    const sustained = createVolatilityState();
    for (let i = 0; i < 3000; i += 1) {
      scoreVolatility(single, noise(i), 0.1, 0.001);
      scoreVolatility(sustained, noise(i), 0.1, 0.001);
    }
    const singleMax = scoreVolatility(single, 6, 0.1, 0.001);
    let sustainedMax = 0;
    for (let i = 0; i < 20; i += 1) sustainedMax = Math.max(sustainedMax, scoreVolatility(sustained, 6, 0.1, 0.001));
    expect(sustainedMax).toBeGreaterThan(2 * singleMax);
  });
});
