import { estimateNormalTailDecades } from './estimate-normal-tail';
import { createEwMoments, updateEwMoments } from './update-ew-moments';
import type { EwMoments } from './update-ew-moments';

/**
 * Burst detector, after Numenta's "anomaly likelihood": the short-window mean of standardised
 * residuals compared with its own long-run distribution. Comparing with its own history (not with
 * theory) absorbs autocorrelation, so a run of moderate residuals alarms only where it is unusual.
 */
export interface BurstState {
  shortMean: number;
  history: EwMoments;
}

export function createBurstState(): BurstState {
  return { shortMean: 0, history: createEwMoments() };
}

const MIN_HISTORY = 30;

export function scoreBurst(state: BurstState, standardisedResidual: number, burstAlpha: number, calibrationAlpha: number): number {
  state.shortMean += burstAlpha * (standardisedResidual - state.shortMean);
  const { mean, variance, count } = state.history;
  let decades = 0;
  if (count >= MIN_HISTORY && variance > 0) {
    const z = Math.abs(state.shortMean - mean) / Math.sqrt(variance);
    decades = Math.max(0, estimateNormalTailDecades(z) - Math.log10(2));
  }
  updateEwMoments(state.history, state.shortMean, calibrationAlpha);
  return decades;
}
