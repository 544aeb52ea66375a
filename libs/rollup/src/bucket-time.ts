export const MINUTE_SECONDS = 60;
export const HOUR_SECONDS = 3_600;

/** Start (epoch ms) of the bucket of `bucketSeconds` that holds `timeMs`; buckets align to the epoch (UTC). */
export const bucketStartMs = (timeMs: number, bucketSeconds: number): number => {
  const bucketMs = bucketSeconds * 1_000;
  return Math.floor(timeMs / bucketMs) * bucketMs;
};
