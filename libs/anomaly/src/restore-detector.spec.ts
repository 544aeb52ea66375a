import { describe, expect, it } from 'vitest';
import { createDetector } from './create-detector';
import type { PointScore } from './create-detector';
import { restoreDetector } from './restore-detector';
import { generateSyntheticSeries, POINTS_PER_DAY } from './testing/generate-synthetic-series';
import type { Anomaly } from './testing/generate-synthetic-series';

describe('restoreDetector', () => {
  it.each<[string, number, Anomaly, number]>([
    ['while still searching for the period', 10, 'none', 0],
    ['during warm-up', 120, 'spike', 0],
    ['after the period was adopted', 3 * POINTS_PER_DAY, 'level-shift', 10],
    ['right before an anomaly', 5 * POINTS_PER_DAY - 1, 'spike', 10],
    ['in the middle of an anomaly', 5 * POINTS_PER_DAY + 20, 'seasonal-break', 10],
  ])('resumes %s with identical subsequent scores', (_name, cutAt, anomaly, dailyAmplitude) => {
    const points = generateSyntheticSeries({
      seed: 21, points: 7 * POINTS_PER_DAY, dailyAmplitude, noiseSigma: 1, anomaly, anomalyAt: 5 * POINTS_PER_DAY,
    });
    const uninterrupted = createDetector();
    const expected = points.map((p) => uninterrupted.score(p.timestampMs, p.value));

    const first = createDetector();
    points.slice(0, cutAt).forEach((p) => first.score(p.timestampMs, p.value));
    // Through a string, as a checkpoint in a jsonb column would travel.
    const resumed = restoreDetector(JSON.parse(JSON.stringify(first.state())));
    const actual: PointScore[] = points.slice(cutAt).map((p) => resumed.score(p.timestampMs, p.value));

    expect(actual).toEqual(expected.slice(cutAt));
  });

  it('returns state that later scoring does not mutate', () => {
    const detector = createDetector();
    detector.score(1_700_000_000_000, 1);
    const snapshot = detector.state();
    const copy = JSON.stringify(snapshot);
    detector.score(1_700_000_300_000, 2);
    expect(JSON.stringify(snapshot)).toBe(copy);
  });

  it.each<[string, unknown, RegExp]>([
    ['a non-object', 'state', /must be a JSON object/],
    ['an unknown version', { version: 99 }, /version 99 is not supported/],
    ['a missing config', { version: 1 }, /no config/],
    ['a missing section', { ...JSON.parse(JSON.stringify(createDetector().state())), baseline: undefined }, /missing section "baseline"/],
    ['a bad config value', { ...JSON.parse(JSON.stringify(createDetector().state())), config: { levelAlpha: -1 } }, /levelAlpha must be a positive number/],
  ])('rejects %s', (_name, json, message) => {
    expect(() => restoreDetector(json)).toThrow(message);
  });
});
