import { estimateNormalTailDecades } from './estimate-normal-tail';
import { createEwMoments, updateEwMoments } from './update-ew-moments';
import type { EwMoments } from './update-ew-moments';

/**
 * Spike detector: the surprise of one standardised residual. Its scale is recalibrated by the
 * long-run RMS of the (clipped) residuals, so series whose residuals are wider than the baseline's
 * spread estimate (autocorrelated, heavy-tailed) do not alarm on every bump.
 */
export interface SpikeState {
  squares: EwMoments;
}

export function createSpikeState(): SpikeState {
  return { squares: createEwMoments() };
}

const CALIBRATION_CLIP = 6;

/** Returns decades of surprise for standardised residual u, then learns from it. */
export function scoreSpike(state: SpikeState, standardisedResidual: number, calibrationAlpha: number): number {
  const rms = state.squares.count > 0 ? Math.sqrt(Math.max(state.squares.mean, 1e-12)) : 1;
  const z = Math.abs(standardisedResidual) / Math.max(1, rms);
  const clipped = Math.min(Math.abs(standardisedResidual), CALIBRATION_CLIP);
  updateEwMoments(state.squares, clipped * clipped, calibrationAlpha);
  // Two-sided: a spike up or down is equally surprising.
  return Math.max(0, estimateNormalTailDecades(z) - Math.log10(2));
}
