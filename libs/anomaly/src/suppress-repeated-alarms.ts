/**
 * Alarm suppression: a score passes only if it beats the last alarm's score (decaying with a
 * half-life) by a margin; otherwise it is damped. One incident then yields one early, sharp score
 * instead of a plateau of repeats, whatever threshold the consumer picks.
 */
export interface SuppressionState {
  bar: number;
}

export function createSuppressionState(): SuppressionState {
  return { bar: 0 };
}

export function suppressRepeatedAlarms(state: SuppressionState, score: number, margin: number, decayPerPoint: number, suppressedFactor: number): number {
  const bar = state.bar;
  state.bar = bar * decayPerPoint;
  if (score >= bar + margin) {
    state.bar = score;
    return score;
  }
  return score * suppressedFactor;
}
