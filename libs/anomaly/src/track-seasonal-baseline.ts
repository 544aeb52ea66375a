/**
 * Seasonal robust baseline: expected = phase level + local level. Each phase of the period keeps a
 * level and an absolute deviation (robust, Huber-clipped updates); the local level follows the
 * deseasonalised data point by point. Without a period there is one phase fixed at 0, and the
 * baseline is a robust exponentially weighted level. Memory: one slot per phase, bounded by maxPhases.
 */
export interface SeasonalBaselineState {
  periodMs: number | null;
  bucketMs: number;
  phaseLevels: number[];
  phaseAbsDevs: number[];
  phaseCounts: number[];
  level: number;
  absDev: number;
  /** Long-run absolute deviation: floors the spread once a series goes still (idle sensor, zeros). */
  longAbsDev: number;
  count: number;
}

export interface BaselineRates {
  /** The spread's absolute floor (DetectorConfig.noiseFloor). */
  noiseFloor: number;
  seasonalAlpha: number;
  levelAlpha: number;
  spreadAlpha: number;
  longSpreadAlpha: number;
  huberClipSpreads: number;
}

const GAUSSIAN_SIGMA_PER_ABS_DEV = 1.2533;
const SPREAD_FLOOR_OF_LONG = 0.1;

export function createSeasonalBaseline(): SeasonalBaselineState {
  return { periodMs: null, bucketMs: 0, phaseLevels: [], phaseAbsDevs: [], phaseCounts: [], level: 0, absDev: 0, longAbsDev: 0, count: 0 };
}

function phaseOf(state: SeasonalBaselineState, timestampMs: number): number {
  if (state.periodMs === null) return -1;
  const within = ((timestampMs % state.periodMs) + state.periodMs) % state.periodMs;
  return Math.min(state.phaseLevels.length - 1, Math.floor(within / state.bucketMs));
}

export function expectedValue(state: SeasonalBaselineState, timestampMs: number): number {
  const phase = phaseOf(state, timestampMs);
  return phase < 0 ? state.level : state.level + (state.phaseLevels[phase] as number);
}


/** Standard deviation estimate for a residual at this time (phase and global spread blended, floored). */
export function expectedSpread(state: SeasonalBaselineState, timestampMs: number, noiseFloor: number): number {
  const phase = phaseOf(state, timestampMs);
  const absDev = phase < 0 || (state.phaseCounts[phase] as number) === 0
    ? state.absDev
    : 0.5 * (state.absDev + (state.phaseAbsDevs[phase] as number));
  // A series that sits still for a while (idle sensor, zeros) has zero recent spread; the floor
  // keeps a share of the long-run spread so the first movement is not infinitely surprising,
  // and keeps standardised residuals finite on perfectly regular series.
  const floor = Math.max(noiseFloor, 1e-9 + 1e-6 * Math.abs(state.level), SPREAD_FLOOR_OF_LONG * GAUSSIAN_SIGMA_PER_ABS_DEV * state.longAbsDev);
  return Math.max(GAUSSIAN_SIGMA_PER_ABS_DEV * absDev, floor);
}

export function updateSeasonalBaseline(state: SeasonalBaselineState, timestampMs: number, value: number, rates: BaselineRates): void {
  state.count += 1;
  if (state.count === 1) {
    state.level = value;
    return;
  }
  const phase = phaseOf(state, timestampMs);
  const phaseLevel = phase < 0 ? 0 : (state.phaseLevels[phase] as number);
  const clip = rates.huberClipSpreads * expectedSpread(state, timestampMs, rates.noiseFloor);
  const residual = value - state.level - phaseLevel;
  const clipped = Math.max(-clip, Math.min(clip, residual));
  const spreadWeight = Math.max(rates.spreadAlpha, 1 / state.count);
  state.absDev += spreadWeight * (Math.min(Math.abs(residual), clip) - state.absDev);
  state.longAbsDev += Math.max(rates.longSpreadAlpha, 1 / state.count) * (Math.min(Math.abs(residual), clip) - state.longAbsDev);
  state.level += Math.max(rates.levelAlpha, 1 / state.count) * clipped;
  if (phase >= 0) {
    const count = (state.phaseCounts[phase] as number) + 1;
    state.phaseCounts[phase] = count;
    const weight = Math.max(rates.seasonalAlpha, 1 / count);
    const deseasonalised = value - state.level;
    const phaseResidual = deseasonalised - phaseLevel;
    const phaseClip = count <= 2 ? Infinity : clip;
    state.phaseLevels[phase] = phaseLevel + weight * Math.max(-phaseClip, Math.min(phaseClip, phaseResidual));
    const phaseAbsDev = state.phaseAbsDevs[phase] as number;
    state.phaseAbsDevs[phase] = phaseAbsDev + weight * (Math.min(Math.abs(phaseResidual), phaseClip) - phaseAbsDev);
  }
}

/** Shifts the local level, e.g. once a change-point detector has confirmed a level shift. */
export function shiftBaselineLevel(state: SeasonalBaselineState, deltaValue: number): void {
  state.level += deltaValue;
}

/**
 * Starts seasonal tracking with a period and seeds every phase from the points seen so far
 * (per-phase mean and mean absolute deviation around the overall mean).
 */
export function seedSeasonalBaseline(
  state: SeasonalBaselineState,
  periodMs: number,
  intervalMs: number,
  maxPhases: number,
  timestampsMs: readonly number[],
  values: readonly number[],
): void {
  const phases = Math.max(1, Math.min(maxPhases, Math.round(periodMs / intervalMs)));
  state.periodMs = periodMs;
  state.bucketMs = periodMs / phases;
  const sums = new Array<number>(phases).fill(0);
  const counts = new Array<number>(phases).fill(0);
  let mean = 0;
  for (const value of values) mean += value;
  mean = values.length > 0 ? mean / values.length : state.level;
  state.phaseLevels = new Array<number>(phases).fill(0);
  state.phaseAbsDevs = new Array<number>(phases).fill(0);
  state.phaseCounts = counts;
  for (let i = 0; i < values.length; i += 1) {
    const phase = phaseOf(state, timestampsMs[i] as number);
    sums[phase] = (sums[phase] as number) + (values[i] as number) - mean;
    counts[phase] = (counts[phase] as number) + 1;
  }
  for (let p = 0; p < phases; p += 1) {
    const count = counts[p] as number;
    state.phaseLevels[p] = count > 0 ? (sums[p] as number) / count : 0;
  }
  let totalAbsDev = 0;
  for (let i = 0; i < values.length; i += 1) {
    const phase = phaseOf(state, timestampsMs[i] as number);
    const deviation = Math.abs((values[i] as number) - mean - (state.phaseLevels[phase] as number));
    state.phaseAbsDevs[phase] = (state.phaseAbsDevs[phase] as number) + deviation / (counts[phase] as number);
    totalAbsDev += deviation;
  }
  state.level = mean;
  state.absDev = values.length > 0 ? totalAbsDev / values.length : state.absDev;
  state.longAbsDev = state.absDev;
}
