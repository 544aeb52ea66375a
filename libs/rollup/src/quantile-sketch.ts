import { DDSketch } from '@datadog/sketches-js';

/**
 * DDSketch with 1% relative accuracy: every quantile it reports is within 1% of the true value at
 * that rank, and two sketches merge exactly (bins add up), which is what lets late data and the
 * 1-hour rollups merge into a bucket without the raw points.
 */
export const SKETCH_RELATIVE_ACCURACY = 0.01;

export type QuantileSketch = DDSketch;

export interface Quantiles {
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export const createSketch = (): QuantileSketch => new DDSketch({ relativeAccuracy: SKETCH_RELATIVE_ACCURACY });

/** Protobuf bytes (DDSketch's own format, so other DDSketch implementations can read the column). */
export const encodeSketch = (sketch: QuantileSketch): Uint8Array => sketch.toProto();

/** The proto does not carry min/max/sum; rollup rows keep those in their own columns. */
export const decodeSketch = (bytes: Uint8Array): QuantileSketch => DDSketch.fromProto(bytes);

export const sketchQuantiles = (sketch: QuantileSketch | null): Quantiles => {
  if (!sketch || sketch.count === 0) return { p50: null, p95: null, p99: null };
  return {
    p50: sketch.getValueAtQuantile(0.5),
    p95: sketch.getValueAtQuantile(0.95),
    p99: sketch.getValueAtQuantile(0.99),
  };
};
