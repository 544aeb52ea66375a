import { describe, expect, it } from 'vitest';
import { createDetector } from './create-detector';
import { severityForScore, WARNING_SCORE } from './severity-for-score';
import { generateSyntheticSeries, POINTS_PER_DAY } from './testing/generate-synthetic-series';
import type { Anomaly, SeriesSpec } from './testing/generate-synthetic-series';

const DAYS = 20;
const ANOMALY_AT = 14 * POINTS_PER_DAY + 100;
/** How soon after onset an anomaly must be flagged (points). */
const DETECTION_DELAY_POINTS = 30;
/** After the detector's warm-up and period search (two days of 5-minute points). */
const SETTLED_AT = 3 * POINTS_PER_DAY;

function scoreSeries(spec: SeriesSpec): number[] {
  const detector = createDetector();
  return generateSyntheticSeries(spec).map((point) => detector.score(point.timestampMs, point.value).score);
}

function maxOver(scores: number[], from: number, to: number): number {
  return Math.max(...scores.slice(from, to));
}

const seasonal = { points: DAYS * POINTS_PER_DAY, dailyAmplitude: 10, noiseSigma: 1, anomalyAt: ANOMALY_AT };
const flat = { ...seasonal, dailyAmplitude: 0 };

describe('createDetector on synthetic series with a known anomaly', () => {
  it.each<[string, Omit<SeriesSpec, 'anomaly' | 'seed'>, Anomaly]>([
    ['spike on a daily cycle', seasonal, 'spike'],
    ['spike on a flat series', flat, 'spike'],
    ['level shift on a daily cycle', seasonal, 'level-shift'],
    ['level shift on a flat series', flat, 'level-shift'],
    ['seasonal break (cycle stops)', seasonal, 'seasonal-break'],
    ['flatline (stuck sensor) on a daily cycle', seasonal, 'flatline'],
  ])('flags a %s promptly and stays below the alarm level before it', (_name, shape, anomaly) => {
    for (const seed of [1, 2, 3]) {
      const scores = scoreSeries({ ...shape, anomaly, seed });
      expect(maxOver(scores, SETTLED_AT, ANOMALY_AT)).toBeLessThan(WARNING_SCORE);
      expect(maxOver(scores, ANOMALY_AT, ANOMALY_AT + DETECTION_DELAY_POINTS)).toBeGreaterThanOrEqual(WARNING_SCORE);
    }
  });

  it.each<[string, Omit<SeriesSpec, 'anomaly' | 'seed'>]>([
    ['daily cycle with noise', seasonal],
    ['flat noise', flat],
    ['daily cycle without noise', { ...seasonal, noiseSigma: 0 }],
    ['constant value', { ...flat, noiseSigma: 0 }],
  ])('raises no alarm on a clean %s after warm-up', (_name, shape) => {
    for (const seed of [4, 5, 6]) {
      const scores = scoreSeries({ ...shape, anomaly: 'none', seed });
      const alarms = scores.slice(SETTLED_AT).filter((score) => severityForScore(score) !== 'info');
      expect(alarms).toEqual([]);
    }
  });
});

describe('createDetector contract', () => {
  it('scores 0 with detector "warmup" during warm-up and stays within [0, 1] afterwards', () => {
    const detector = createDetector({ warmupPoints: 100 });
    const points = generateSyntheticSeries({ ...seasonal, anomaly: 'spike', seed: 9 });
    points.forEach((point, index) => {
      const result = detector.score(point.timestampMs, point.value);
      if (index < 100) {
        expect(result).toMatchObject({ score: 0, detector: 'warmup' });
      } else {
        expect(result.score).toBeGreaterThanOrEqual(0);
        expect(result.score).toBeLessThanOrEqual(1);
        expect(Number.isFinite(result.expected)).toBe(true);
      }
    });
  });

  it('names the spike part for a one-point spike and the level-shift part for a sustained shift', () => {
    const run = (anomaly: Anomaly): string => {
      const detector = createDetector();
      let detector_ = '';
      generateSyntheticSeries({ ...flat, anomaly, seed: 11 }).forEach((point, index) => {
        const result = detector.score(point.timestampMs, point.value);
        if (index >= ANOMALY_AT && !detector_ && result.score >= WARNING_SCORE) detector_ = result.detector;
      });
      return detector_;
    };
    expect(run('spike')).toBe('spike');
    expect(['level-shift', 'spike']).toContain(run('level-shift'));
  });

  it('learns the daily period from the data and predicts the cycle', () => {
    const detector = createDetector();
    const points = generateSyntheticSeries({ ...seasonal, noiseSigma: 0.1, anomaly: 'none', seed: 12 });
    const errors: number[] = [];
    points.forEach((point, index) => {
      const { expected } = detector.score(point.timestampMs, point.value);
      if (index > 4 * POINTS_PER_DAY && expected !== null) errors.push(Math.abs(expected - point.value));
    });
    expect(detector.state().baseline.periodMs).toBe(24 * 3_600_000);
    expect(Math.max(...errors)).toBeLessThan(2);
  });

  it('keeps a constant number of values in its state once the period search is over', () => {
    // Counting leaves, not bytes: numbers print with varying digits, memory does not vary with them.
    const countLeaves = (value: unknown): number =>
      typeof value === 'object' && value !== null ? Object.values(value).reduce((sum: number, v) => sum + countLeaves(v), 0) : 1;
    const detector = createDetector();
    const counts: number[] = [];
    generateSyntheticSeries({ ...seasonal, anomaly: 'level-shift', seed: 13 }).forEach((point, index) => {
      detector.score(point.timestampMs, point.value);
      if (index === 6 * POINTS_PER_DAY || index === DAYS * POINTS_PER_DAY - 1) counts.push(countLeaves(detector.state()));
    });
    expect(detector.state().periodSearch.values).toEqual([]);
    expect(counts[1]).toBe(counts[0]);
  });

  it.each([
    ['a non-finite value', 0, Number.NaN],
    ['an infinite value', 0, Number.POSITIVE_INFINITY],
    ['a non-finite timestamp', Number.NaN, 1],
  ])('rejects %s with a RangeError', (_name, timestampMs, value) => {
    const detector = createDetector();
    expect(() => detector.score(timestampMs, value)).toThrow(RangeError);
  });
});
