import { detectPeriod } from './detect-period';
import { createSampleIntervalState, estimateSampleInterval } from './estimate-sample-interval';
import type { SampleIntervalState } from './estimate-sample-interval';
import { resolveDetectorConfig } from './resolve-detector-config';
import type { DetectorConfig } from './resolve-detector-config';
import { createLevelShiftState, scoreLevelShift } from './score-level-shift';
import type { LevelShiftState } from './score-level-shift';
import { createSpikeState, scoreSpike } from './score-spike';
import type { SpikeState } from './score-spike';
import { createVolatilityState, scoreVolatility } from './score-volatility';
import type { VolatilityState } from './score-volatility';
import { calibrateSurprise, createSurpriseCalibration } from './calibrate-surprise';
import type { SurpriseCalibrationState } from './calibrate-surprise';
import { createSuppressionState, suppressRepeatedAlarms } from './suppress-repeated-alarms';
import type { SuppressionState } from './suppress-repeated-alarms';
import {
  createSeasonalBaseline,
  expectedSpread,
  expectedValue,
  seedSeasonalBaseline,
  shiftBaselineLevel,
  updateSeasonalBaseline,
} from './track-seasonal-baseline';
import type { SeasonalBaselineState } from './track-seasonal-baseline';

export const DETECTOR_STATE_VERSION = 1;

export type DetectorPart = 'spike' | 'volatility' | 'level-shift';
export type DetectorName = DetectorPart | 'warmup';

export interface PointScore {
  /** Anomaly score in [0, 1]; 0 during warm-up. */
  score: number;
  /** Value the baseline expected at this time; null before the first point has been learned. */
  expected: number | null;
  /** The part that contributed the score ('warmup' while warming up). */
  detector: DetectorName;
  /** Each part's score in [0, 1] before alarm suppression. */
  parts: Record<DetectorPart, number>;
}

export interface PeriodSearchState {
  status: 'searching' | 'done';
  timestampsMs: number[];
  values: number[];
  /** Candidate periods already tested, with the autocorrelation each reached. */
  tested: { periodMs: number; autocorrelation: number; accepted: boolean }[];
}

/** Everything a detector knows, as plain JSON: persist it and restoreDetector() resumes exactly. */
export interface DetectorStateJson {
  version: typeof DETECTOR_STATE_VERSION;
  config: DetectorConfig;
  points: number;
  lastTimestampMs: number | null;
  interval: SampleIntervalState;
  periodSearch: PeriodSearchState;
  baseline: SeasonalBaselineState;
  spike: SpikeState;
  volatility: VolatilityState;
  levelShift: LevelShiftState;
  /** Each part's surprise history, for calibrating it against this series. */
  calibration: Record<DetectorPart, SurpriseCalibrationState>;
  suppression: SuppressionState;
}

export interface Detector {
  /** Scores one point; points are scored in arrival order. */
  score(timestampMs: number, value: number): PointScore;
  /** A deep copy of the current state. */
  state(): DetectorStateJson;
}

function createCalibrations(): Record<DetectorPart, SurpriseCalibrationState> {
  return { spike: createSurpriseCalibration(), volatility: createSurpriseCalibration(), 'level-shift': createSurpriseCalibration() };
}

export function createDetectorState(config: DetectorConfig): DetectorStateJson {
  return {
    version: DETECTOR_STATE_VERSION,
    config,
    points: 0,
    lastTimestampMs: null,
    interval: createSampleIntervalState(),
    periodSearch: { status: config.periodMs === 'none' ? 'done' : 'searching', timestampsMs: [], values: [], tested: [] },
    baseline: createSeasonalBaseline(),
    spike: createSpikeState(),
    volatility: createVolatilityState(),
    levelShift: createLevelShiftState(),
    calibration: createCalibrations(),
    suppression: createSuppressionState(),
  };
}

/** Buffers points until each candidate period can be tested; adopts the best, then drops the buffer. */
function searchPeriod(s: DetectorStateJson, timestampMs: number, value: number): void {
  const search = s.periodSearch;
  const config = s.config;
  search.timestampsMs.push(timestampMs);
  search.values.push(value);
  const intervalMs = s.interval.intervalMs;
  if (intervalMs === null) return;
  const candidates = typeof config.periodMs === 'number' ? [config.periodMs] : config.periodCandidatesMs;
  let pending = false;
  for (const periodMs of candidates) {
    if (search.tested.some((t) => t.periodMs === periodMs)) continue;
    const lagPoints = Math.round(periodMs / intervalMs);
    // Fewer than 4 points per period cannot describe a cycle; two periods show one repeat. Replacing
    // an adopted period takes three: two weeks, one with a holiday, do not make a weekly cycle.
    const periodsNeeded = s.baseline.periodMs === null ? 2 : 3;
    if (lagPoints < 4 || periodsNeeded * lagPoints > config.periodSearchMaxPoints) continue;
    if (search.values.length < periodsNeeded * lagPoints) {
      pending = true;
      continue;
    }
    if (typeof config.periodMs === 'number') {
      search.tested.push({ periodMs, autocorrelation: 1, accepted: true });
      adoptPeriod(s, periodMs, intervalMs);
      continue;
    }
    const evidence = detectPeriod(search.values, lagPoints);
    const accepted = evidence.autocorrelation >= config.periodMinAutocorrelation && evidence.contrast >= config.periodMinContrast;
    search.tested.push({ periodMs, autocorrelation: evidence.autocorrelation, accepted });
    if (!accepted) continue;
    const currentPeriodMs = s.baseline.periodMs;
    // Re-measure the adopted period on the same, longer buffer: a daily cycle tested on two weekdays
    // looks better than it is over a whole week.
    const current = currentPeriodMs === null ? null : detectPeriod(search.values, Math.round(currentPeriodMs / intervalMs));
    if (!current || evidence.autocorrelation >= current.autocorrelation + config.periodPreferLongerMargin) {
      adoptPeriod(s, periodMs, intervalMs);
    }
  }
  if (!pending || search.values.length >= config.periodSearchMaxPoints) {
    search.status = 'done';
    search.timestampsMs = [];
    search.values = [];
  }
}

function adoptPeriod(s: DetectorStateJson, periodMs: number, intervalMs: number): void {
  const search = s.periodSearch;
  seedSeasonalBaseline(s.baseline, periodMs, intervalMs, s.config.maxPhases, search.timestampsMs, search.values);
  // The residuals mean something else from now on: what the parts learned about the old ones
  // (an unmodelled cycle looks like huge surprises) would mute them for a whole history.
  s.spike = createSpikeState();
  s.volatility = createVolatilityState();
  s.levelShift = createLevelShiftState();
  s.calibration = createCalibrations();
}

const MIN_BASELINE_POINTS = 50;

/** The part of a residual beyond the noise floor (DetectorConfig.noiseFloor): within it, none. */
function beyondNoiseFloor(residual: number, noiseFloor: number): number {
  if (noiseFloor === 0) return residual;
  return Math.sign(residual) * Math.max(0, Math.abs(residual) - noiseFloor);
}
const WARMUP_PARTS: Record<DetectorPart, number> = Object.freeze({ spike: 0, volatility: 0, 'level-shift': 0 });

export function scorePoint(s: DetectorStateJson, timestampMs: number, value: number): PointScore {
  if (!Number.isFinite(timestampMs)) throw new RangeError(`timestamp must be finite epoch milliseconds, got ${timestampMs}`);
  if (!Number.isFinite(value)) throw new RangeError(`value must be a finite number, got ${value}`);
  const config = s.config;
  // Late and repeated timestamps happen (clock steps, resends): they are scored in arrival order,
  // and only forward steps inform the sample interval.
  if (s.lastTimestampMs !== null) estimateSampleInterval(s.interval, timestampMs - s.lastTimestampMs, config.intervalSamples);
  s.lastTimestampMs = s.lastTimestampMs === null ? timestampMs : Math.max(s.lastTimestampMs, timestampMs);
  s.points += 1;

  const baseline = s.baseline;
  const expected = baseline.count > 0 ? expectedValue(baseline, timestampMs) : null;
  let result: PointScore;
  // Until the baseline has seen a few dozen points its spread is a guess, and the huge "surprises"
  // it would produce would stay in the parts' calibration for a whole history.
  if (expected === null || baseline.count < MIN_BASELINE_POINTS) {
    result = { score: 0, expected, detector: 'warmup', parts: { ...WARMUP_PARTS } };
  } else {
    const spread = expectedSpread(baseline, timestampMs, config.noiseFloor);
    const residual = value - expected;
    const u = beyondNoiseFloor(residual, config.noiseFloor) / spread;
    const spike = scoreSpike(s.spike, u, config.calibrationAlpha);
    // One residual of one spread beyond the noise floor moves the short mean by volatilityAlpha:
    // with a floor, a stiller history than that is no evidence that such a move is rare.
    const volatilityFloor = config.noiseFloor > 0 ? config.volatilityAlpha : 0;
    const volatility = scoreVolatility(s.volatility, u, config.volatilityAlpha, config.calibrationAlpha, volatilityFloor);
    const shift = scoreLevelShift(s.levelShift, u, residual, config.cusumDriftSpreads, config.cusumRelevelAt);
    if (shift.confirmedShift !== 0) shiftBaselineLevel(baseline, shift.confirmedShift);
    const full = config.decadesAtFullScore;
    const historyAlpha = 1 / config.rarityHistoryPoints;
    const weights = config.partWeights;
    const parts: Record<DetectorPart, number> = {
      spike: Math.min(1, (weights.spike * calibrateSurprise(s.calibration.spike, spike, historyAlpha)) / full),
      volatility: Math.min(1, (weights.volatility * calibrateSurprise(s.calibration.volatility, volatility, historyAlpha)) / full),
      'level-shift': Math.min(1, (weights['level-shift'] * calibrateSurprise(s.calibration['level-shift'], shift.decades, historyAlpha)) / full),
    };
    let detector: DetectorPart = 'spike';
    if (parts.volatility > parts[detector]) detector = 'volatility';
    if (parts['level-shift'] > parts[detector]) detector = 'level-shift';
    const combined = parts[detector];
    if (s.points <= config.warmupPoints) {
      result = { score: 0, expected, detector: 'warmup', parts };
    } else {
      const decayPerPoint = Math.pow(0.5, 1 / config.suppressionHalfLifePoints);
      const score = suppressRepeatedAlarms(s.suppression, combined, config.realarmMargin, decayPerPoint, config.suppressedFactor);
      result = { score, expected, detector, parts };
    }
  }
  updateSeasonalBaseline(baseline, timestampMs, value, config);
  if (s.periodSearch.status === 'searching') searchPeriod(s, timestampMs, value);
  return result;
}

export function createDetectorFromState(s: DetectorStateJson): Detector {
  return {
    score: (timestampMs, value) => scorePoint(s, timestampMs, value),
    state: () => structuredClone(s),
  };
}

/** A streaming detector for one series: constant memory, deterministic, state as plain JSON. */
export function createDetector(config: Partial<DetectorConfig> = {}): Detector {
  return createDetectorFromState(createDetectorState(resolveDetectorConfig(config)));
}
