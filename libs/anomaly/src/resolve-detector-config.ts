const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const WEEK_MS = 7 * DAY_MS;

/**
 * Every knob of the detector. One configuration serves all series: the statistics standardise
 * themselves, so nothing here is tuned per metric.
 */
export interface DetectorConfig {
  /** Points scored 0 while the statistics settle. */
  warmupPoints: number;
  /** Deltas whose median fixes the sample interval. */
  intervalSamples: number;
  /** 'auto' finds a daily/weekly period in the data; a number fixes it; 'none' disables seasonality. */
  periodMs: number | 'auto' | 'none';
  periodCandidatesMs: number[];
  /** Autocorrelation at the period lag needed to accept it. */
  periodMinAutocorrelation: number;
  /** ... and by how much it must beat the autocorrelation at half the lag (rules out slow trends). */
  periodMinContrast: number;
  /** A longer candidate replaces a shorter one only if its autocorrelation is higher by this. */
  periodPreferLongerMargin: number;
  /** Bound on the points kept while searching for the period (the only buffer the detector holds). */
  periodSearchMaxPoints: number;
  /** Bound on seasonal phases (memory per series); coarser buckets beyond it. */
  maxPhases: number;
  /** Weight of a new period's value in its phase's level (once per period). */
  seasonalAlpha: number;
  /** Weight of each point in the local level under the seasonal profile. */
  levelAlpha: number;
  /** Weight of each point in the residual spread. */
  spreadAlpha: number;
  /** Weight of each point in the long-run spread, which floors the spread when a series goes still. */
  longSpreadAlpha: number;
  /**
   * Noise floor, in the series' own units: a residual within it is no deviation at all, only the
   * excess beyond it counts, and the spread never falls below it. 0 (the default) leaves both to the
   * data. Set it to the series' resolution, e.g. 1 for a count of occurrences: after an all-zero
   * history the spread has shrunk to nothing, and without a floor a single event (one mistyped key)
   * would be infinitely surprising, and would raise the alarm bar against the next real burst.
   */
  noiseFloor: number;
  /** Residuals are clipped to this many spreads when updating level and spread (Huber). */
  huberClipSpreads: number;
  /** Weight of each point in the long-run calibration of every statistic. */
  calibrationAlpha: number;
  /** Weight of each point in the short-window mean of residual sizes (volatility). */
  volatilityAlpha: number;
  /** CUSUM drift (in spreads) and the sum at which the level is re-anchored to the shifted data. */
  cusumDriftSpreads: number;
  cusumRelevelAt: number;
  /** Effective history (points) against which each part's surprise is judged rare. */
  rarityHistoryPoints: number;
  /** Weight of each part's calibrated surprise in the combined score (0 disables a part). */
  partWeights: { spike: number; volatility: number; 'level-shift': number };
  /** Surprise, in decades of tail probability, that maps to score 1. */
  decadesAtFullScore: number;
  /** After an alarm only a score higher by this margin alarms again; the bar decays with this half-life. */
  realarmMargin: number;
  suppressionHalfLifePoints: number;
  /** Factor applied to scores that did not clear the bar. */
  suppressedFactor: number;
}

export const DEFAULT_DETECTOR_CONFIG: Readonly<DetectorConfig> = Object.freeze({
  warmupPoints: 150,
  intervalSamples: 9,
  periodMs: 'auto',
  periodCandidatesMs: [DAY_MS, WEEK_MS],
  periodMinAutocorrelation: 0.5,
  periodMinContrast: 0.3,
  periodPreferLongerMargin: 0.05,
  periodSearchMaxPoints: 4096,
  maxPhases: 2048,
  seasonalAlpha: 0.25,
  levelAlpha: 0.1,
  spreadAlpha: 0.01,
  longSpreadAlpha: 0.002,
  noiseFloor: 0,
  huberClipSpreads: 3,
  calibrationAlpha: 0.001,
  volatilityAlpha: 0.1,
  cusumDriftSpreads: 0.5,
  cusumRelevelAt: 30,
  rarityHistoryPoints: 1000,
  partWeights: { spike: 1, volatility: 1, 'level-shift': 1 },
  decadesAtFullScore: 8,
  realarmMargin: 0.1,
  suppressionHalfLifePoints: 1000,
  suppressedFactor: 0.3,
});

export function resolveDetectorConfig(overrides: Partial<DetectorConfig> = {}): DetectorConfig {
  const config: DetectorConfig = {
    ...DEFAULT_DETECTOR_CONFIG,
    periodCandidatesMs: [...DEFAULT_DETECTOR_CONFIG.periodCandidatesMs],
    ...overrides,
  };
  config.partWeights = { ...DEFAULT_DETECTOR_CONFIG.partWeights, ...overrides.partWeights };
  const positive: (keyof DetectorConfig)[] = [
    'intervalSamples', 'periodSearchMaxPoints', 'maxPhases', 'seasonalAlpha', 'levelAlpha', 'spreadAlpha', 'longSpreadAlpha',
    'huberClipSpreads', 'calibrationAlpha', 'volatilityAlpha', 'cusumRelevelAt', 'rarityHistoryPoints', 'decadesAtFullScore', 'suppressionHalfLifePoints',
  ];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== 'number' || !(value > 0)) throw new RangeError(`detector config ${key} must be a positive number, got ${String(value)}`);
  }
  if (!(config.warmupPoints >= 0)) throw new RangeError(`detector config warmupPoints must be ≥ 0, got ${config.warmupPoints}`);
  if (typeof config.noiseFloor !== 'number' || !(config.noiseFloor >= 0) || !Number.isFinite(config.noiseFloor)) {
    throw new RangeError(`detector config noiseFloor must be a finite number ≥ 0, got ${String(config.noiseFloor)}`);
  }
  if (typeof config.periodMs === 'number' && !(config.periodMs > 0)) {
    throw new RangeError(`detector config periodMs must be positive, 'auto' or 'none', got ${config.periodMs}`);
  }
  return config;
}
