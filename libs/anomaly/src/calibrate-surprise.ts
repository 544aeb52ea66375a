/**
 * Empirical calibration of a surprise (decades of tail probability under a textbook model) against
 * the series' own history: real residuals are autocorrelated and heavy-tailed, so the textbook
 * figure overstates how rare a value is. We keep an exponentially decayed histogram of past
 * surprises (fixed bins: constant memory) and report how rare this one is among them; beyond the
 * largest ever seen, each further textbook decade counts as one more. The textbook figure is also
 * discounted by the history's size (log10 of its points): among that many normal points one that
 * rare is expected, so only surprise beyond it counts. The result is comparable across series:
 * "decades rarer than this series' recent history, and than chance over it".
 */
export interface SurpriseCalibrationState {
  /** Decayed counts per bin; the weights grow instead of the counts decaying (lazy decay). */
  bins: number[];
  total: number;
  weight: number;
  maxSeen: number;
}

export const SURPRISE_BIN_DECADES = 0.25;
const BIN_COUNT = 80;
const RESCALE_AT = 1e100;

export function createSurpriseCalibration(): SurpriseCalibrationState {
  return { bins: new Array<number>(BIN_COUNT).fill(0), total: 0, weight: 1, maxSeen: 0 };
}

function binOf(decades: number): number {
  return Math.min(BIN_COUNT - 1, Math.floor(decades / SURPRISE_BIN_DECADES));
}

/** Calibrated decades for this surprise, then records it. historyAlpha: decay per point (1/effective history). */
export function calibrateSurprise(state: SurpriseCalibrationState, decades: number, historyAlpha: number): number {
  const bin = binOf(decades);
  // Most surprises are small, so sum the short side: the bins below, subtracted from the total.
  let tail = 0;
  if (bin < BIN_COUNT / 2) {
    let below = 0;
    for (let b = 0; b < bin; b += 1) below += state.bins[b] as number;
    tail = Math.max(0, state.total - below);
    if (tail <= state.total * 1e-12) tail = 0;
  } else {
    for (let b = bin; b < BIN_COUNT; b += 1) tail += state.bins[b] as number;
  }
  let calibrated: number;
  if (state.total <= 0) {
    calibrated = 0;
  } else if (tail > 0) {
    calibrated = Math.log10(state.total / tail);
  } else {
    // The excess over the largest surprise seen only counts as far as that history is long enough
    // to mean something: a fresh calibration has seen almost nothing, so nothing is a record yet.
    const effectivePoints = state.total / state.weight;
    const trust = Math.min(1, effectivePoints * historyAlpha);
    calibrated = Math.log10(effectivePoints) + trust * Math.max(0, decades - state.maxSeen);
  }
  state.weight /= 1 - historyAlpha;
  state.bins[bin] = (state.bins[bin] as number) + state.weight;
  state.total += state.weight;
  state.maxSeen = Math.max(state.maxSeen * (1 - historyAlpha), decades);
  if (state.weight > RESCALE_AT) {
    for (let b = 0; b < BIN_COUNT; b += 1) state.bins[b] = (state.bins[b] as number) / state.weight;
    state.total /= state.weight;
    state.weight = 1;
  }
  const chanceDecades = -Math.log10(historyAlpha);
  return Math.max(0, Math.min(decades - chanceDecades, calibrated));
}
