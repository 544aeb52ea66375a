/**
 * Change-point detector for level shifts: a two-sided CUSUM on standardised residuals. Under no
 * change, P(S > h) ≈ exp(-2·k·h) for drift k, which turns the sum into decades of surprise. Once the
 * sum passes relevelAt the shift is confirmed: the caller re-anchors its baseline by the estimated
 * shift and the sums restart.
 */
export interface LevelShiftState {
  upper: number;
  lower: number;
  /** Exponentially weighted mean of raw residuals since the last restart: the shift estimate. */
  meanResidual: number;
  points: number;
}

export interface LevelShiftResult {
  decades: number;
  /** Non-zero when a shift was confirmed on this point: move the baseline by this much. */
  confirmedShift: number;
}

export function createLevelShiftState(): LevelShiftState {
  return { upper: 0, lower: 0, meanResidual: 0, points: 0 };
}

const RESIDUAL_CLIP_SPREADS = 8;
const SHIFT_ESTIMATE_POINTS = 20;
const LN10 = Math.log(10);

export function scoreLevelShift(
  state: LevelShiftState,
  standardisedResidual: number,
  residual: number,
  driftSpreads: number,
  relevelAt: number,
): LevelShiftResult {
  const u = Math.max(-RESIDUAL_CLIP_SPREADS, Math.min(RESIDUAL_CLIP_SPREADS, standardisedResidual));
  state.upper = Math.max(0, state.upper + u - driftSpreads);
  state.lower = Math.max(0, state.lower - u - driftSpreads);
  state.points += 1;
  // The shift estimate uses the clipped residual, so one wild point inside the run cannot move the level by itself.
  const clippedResidual = standardisedResidual === 0 ? 0 : (residual * u) / standardisedResidual;
  state.meanResidual += Math.max(1 / state.points, 1 / SHIFT_ESTIMATE_POINTS) * (clippedResidual - state.meanResidual);
  if (state.upper === 0 && state.lower === 0) {
    state.points = 0;
    state.meanResidual = 0;
  }
  const sum = Math.max(state.upper, state.lower);
  const decades = (2 * driftSpreads * sum) / LN10;
  let confirmedShift = 0;
  if (sum >= relevelAt) {
    confirmedShift = state.meanResidual;
    state.upper = 0;
    state.lower = 0;
    state.points = 0;
    state.meanResidual = 0;
  }
  return { decades, confirmedShift };
}
