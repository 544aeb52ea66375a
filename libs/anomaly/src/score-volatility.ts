import { estimateNormalTailDecades } from './estimate-normal-tail';
import { createEwMoments, updateEwMoments } from './update-ew-moments';
import type { EwMoments } from './update-ew-moments';

/**
 * Volatility detector, after Numenta's "anomaly likelihood": the short-window mean of the residuals'
 * size (|standardised residual|, clipped) compared with its own long-run distribution, both ways.
 * It flags changed behaviour that no single point shows: more frequent spikes, a noisier or a
 * suddenly quiet (stuck) signal, a cycle that changed shape.
 */
export interface VolatilityState {
  shortMean: number;
  history: EwMoments;
}

export function createVolatilityState(): VolatilityState {
  return { shortMean: 0, history: createEwMoments() };
}

const MIN_HISTORY = 30;

const SIZE_CLIP_SPREADS = 6;

/**
 * minStd floors the spread of the short mean's history: a series that sat within its noise floor
 * has a history of exactly 0, against which any later movement would be infinitely rare.
 */
export function scoreVolatility(
  state: VolatilityState,
  standardisedResidual: number,
  shortAlpha: number,
  calibrationAlpha: number,
  minStd = 0,
): number {
  const size = Math.min(Math.abs(standardisedResidual), SIZE_CLIP_SPREADS);
  state.shortMean += shortAlpha * (size - state.shortMean);
  const { mean, variance, count } = state.history;
  let decades = 0;
  const std = Math.max(Math.sqrt(variance), minStd);
  if (count >= MIN_HISTORY && std > 0) {
    const z = Math.abs(state.shortMean - mean) / std;
    decades = Math.max(0, estimateNormalTailDecades(z) - Math.log10(2));
  }
  updateEwMoments(state.history, state.shortMean, calibrationAlpha);
  return decades;
}
