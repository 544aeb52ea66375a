/**
 * When a bucket is closed. The watermark follows the later of the newest event time seen and the
 * wall clock, so an idle stream still closes its last buckets, and a replay of old data closes
 * buckets as it goes; `allowedLatenessMs` is the grace given to stragglers before publishing.
 * A point that arrives for an already-closed bucket is "late": it still merges into its bucket,
 * and the bucket is published again.
 */
export const closingWatermarkMs = (maxEventTimeMs: number, nowMs: number, allowedLatenessMs: number): number =>
  Math.max(maxEventTimeMs, nowMs) - allowedLatenessMs;

export const isBucketClosed = (bucketStartMs: number, bucketSeconds: number, watermarkMs: number): boolean =>
  bucketStartMs + bucketSeconds * 1_000 <= watermarkMs;
