/** The series' sample interval: the median of its first deltas (robust to gaps and bursts). */
export interface SampleIntervalState {
  deltasMs: number[];
  intervalMs: number | null;
}

export function createSampleIntervalState(): SampleIntervalState {
  return { deltasMs: [], intervalMs: null };
}

export function estimateSampleInterval(state: SampleIntervalState, deltaMs: number, samples: number): number | null {
  if (state.intervalMs !== null) return state.intervalMs;
  if (deltaMs > 0) state.deltasMs.push(deltaMs);
  if (state.deltasMs.length >= samples) {
    const sorted = [...state.deltasMs].sort((a, b) => a - b);
    state.intervalMs = sorted[Math.floor(sorted.length / 2)] ?? null;
    state.deltasMs = [];
  }
  return state.intervalMs;
}
