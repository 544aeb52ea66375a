/** Deterministic synthetic series for the detector specs: no randomness leaks between runs. */
export const FIVE_MINUTES_MS = 5 * 60_000;
export const POINTS_PER_DAY = 288;
export const START_MS = Date.UTC(2024, 0, 1);

/** mulberry32: a tiny seeded PRNG, enough for test noise. */
function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Anomaly = 'none' | 'spike' | 'level-shift' | 'seasonal-break' | 'flatline';

export interface SeriesSpec {
  seed: number;
  points: number;
  /** Amplitude of the daily sine (0: no seasonality). */
  dailyAmplitude: number;
  noiseSigma: number;
  anomaly: Anomaly;
  anomalyAt: number;
}

export interface SyntheticPoint {
  timestampMs: number;
  value: number;
}

export function generateSyntheticSeries(spec: SeriesSpec): SyntheticPoint[] {
  const random = createRandom(spec.seed);
  const gaussian = (): number => Math.sqrt(-2 * Math.log(Math.max(random(), 1e-12))) * Math.cos(2 * Math.PI * random());
  const cycle = (i: number): number => spec.dailyAmplitude * Math.sin((2 * Math.PI * i) / POINTS_PER_DAY);
  const points: SyntheticPoint[] = [];
  for (let i = 0; i < spec.points; i += 1) {
    let value = 100 + cycle(i) + spec.noiseSigma * gaussian();
    const since = i - spec.anomalyAt;
    if (since >= 0) {
      if (spec.anomaly === 'spike' && since === 0) value += 10 * spec.noiseSigma;
      if (spec.anomaly === 'level-shift') value += 6 * spec.noiseSigma;
      // The daily cycle stops for half a day: values sit at the daily mean.
      if (spec.anomaly === 'seasonal-break' && since < POINTS_PER_DAY / 2) value = 100 + spec.noiseSigma * gaussian();
      // A stuck sensor repeats the last good reading.
      if (spec.anomaly === 'flatline' && since < POINTS_PER_DAY / 2) value = points[spec.anomalyAt - 1]?.value ?? 100;
    }
    points.push({ timestampMs: START_MS + i * FIVE_MINUTES_MS, value });
  }
  return points;
}
