import { describe, expect, it } from 'vitest';
import { createDetector } from './create-detector';
import { resolveDetectorConfig, type DetectorConfig } from './resolve-detector-config';
import { restoreDetector } from './restore-detector';
import { WARNING_SCORE } from './severity-for-score';

const REPORT_MS = 10_000;
/** A quiet deployment's failed authentications: a count every 10 s, all zero for about two hours (past the 150-point warm-up). */
const QUIET_POINTS = 700;

const learnZeros = (config: Partial<DetectorConfig>, quiet: number) => {
  const detector = createDetector(config);
  let atMs = 0;
  for (let i = 0; i < quiet; i++) detector.score((atMs += REPORT_MS), 0);
  return { detector, atMs };
};

/** The scores of `values`, one point every 10 s, after `quiet` zeros. */
const scoresAfterZeros = (config: Partial<DetectorConfig>, values: readonly number[], quiet = QUIET_POINTS): number[] => {
  const { detector, atMs: lastAtMs } = learnZeros(config, quiet);
  let atMs = lastAtMs;
  return values.map((value) => detector.score((atMs += REPORT_MS), value).score);
};

describe('noiseFloor: a count after a quiet, all-zero history', () => {
  it('without a floor, a single event scores 1: the noise the floor exists for', () => {
    expect(scoresAfterZeros({}, [1])).toEqual([1]);
  });

  it.each([
    ['one event', [1, 0, 0]],
    ['one event now and then', [1, 0, 0, 0, 1, 0, 0, 1, 0, 0]],
    ['one event every point', Array<number>(30).fill(1)],
    ['a few at once (someone retrying a mistyped key)', [3, 0, 0]],
  ])('raises no alarm for %s', (_case, values) => {
    expect(Math.max(...scoresAfterZeros({ noiseFloor: 1 }, values))).toBeLessThan(WARNING_SCORE);
  });

  it.each([[10], [60]])('alarms on a burst of %i at once', (burst) => {
    expect(scoresAfterZeros({ noiseFloor: 1 }, [burst])[0]).toBeGreaterThanOrEqual(WARNING_SCORE);
  });

  it('alarms on a burst soon after a single event, which must not have raised the alarm bar', () => {
    const scores = scoresAfterZeros({ noiseFloor: 1 }, [1, 0, 0, 0, 60]);
    expect(Math.max(...scores.slice(0, 4))).toBeLessThan(WARNING_SCORE);
    expect(scores[4]).toBeGreaterThanOrEqual(WARNING_SCORE);
  });

  it.each([
    [2, 58],
    [11, 49],
    [30, 30],
  ])('alarms on a burst split over two points (%i then %i) right after warm-up', (first, second) => {
    expect(Math.max(...scoresAfterZeros({ noiseFloor: 1 }, [first, second], 170))).toBeGreaterThanOrEqual(WARNING_SCORE);
  });

  it('applies a floor given on restore to a checkpoint taken without one', () => {
    const { detector, atMs } = learnZeros({}, QUIET_POINTS);
    const restored = restoreDetector(detector.state(), { noiseFloor: 1 });
    expect(restored.state().config.noiseFloor).toBe(1);
    expect(restored.score(atMs + REPORT_MS, 1).score).toBe(0);
    expect(restoreDetector(detector.state()).score(atMs + REPORT_MS, 1).score).toBe(1);
  });

  it.each([[-1], [Number.POSITIVE_INFINITY], [Number.NaN]])('refuses a noiseFloor of %s', (noiseFloor) => {
    expect(() => resolveDetectorConfig({ noiseFloor })).toThrow(RangeError);
  });
});
