export interface TokenBucketSettings {
  /** Tokens (events) added per second. */
  ratePerSecond: number;
  /** Bucket capacity: the largest burst accepted after a quiet period. */
  burst: number;
}

export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number };

/**
 * A token bucket refilled continuously; `take(n, nowMs)` charges n tokens or says how long until
 * n are there. Pure apart from its own state: the clock is passed in.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAtMs: number;

  constructor(
    private readonly settings: TokenBucketSettings,
    nowMs: number,
  ) {
    this.tokens = settings.burst;
    this.updatedAtMs = nowMs;
  }

  take(count: number, nowMs: number): TakeResult {
    const elapsedMs = Math.max(0, nowMs - this.updatedAtMs);
    this.tokens = Math.min(this.settings.burst, this.tokens + (elapsedMs * this.settings.ratePerSecond) / 1_000);
    this.updatedAtMs = nowMs;
    // A request larger than the whole bucket costs the whole bucket, or it could never pass.
    const cost = Math.min(count, this.settings.burst);
    if (cost <= this.tokens) {
      this.tokens -= cost;
      return { ok: true };
    }
    const missing = cost - this.tokens;
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(missing / this.settings.ratePerSecond)) };
  }

  /** True once the bucket has refilled completely: its state is the same as a new bucket's. */
  isFull(nowMs: number): boolean {
    return this.tokens + ((nowMs - this.updatedAtMs) * this.settings.ratePerSecond) / 1_000 >= this.settings.burst;
  }
}

/**
 * One bucket per source, in this instance's memory. With N ingest instances behind a load
 * balancer a source may send up to N times the rate: documented, and acceptable for abuse
 * protection (the catalog's budgets are the cluster-wide cap).
 */
export class SourceRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private lastSweepMs = 0;

  constructor(
    private readonly settings: TokenBucketSettings,
    private readonly now: () => number = Date.now,
    private readonly sweepIntervalMs = 60_000,
  ) {}

  get isEnabled(): boolean {
    return this.settings.ratePerSecond > 0;
  }

  take(sourceId: string, count: number): TakeResult {
    if (!this.isEnabled) return { ok: true };
    const nowMs = this.now();
    this.sweep(nowMs);
    let bucket = this.buckets.get(sourceId);
    if (!bucket) {
      bucket = new TokenBucket(this.settings, nowMs);
      this.buckets.set(sourceId, bucket);
    }
    return bucket.take(count, nowMs);
  }

  /** Full buckets carry no information; dropping them bounds memory to the recently active sources. */
  private sweep(nowMs: number) {
    if (nowMs - this.lastSweepMs < this.sweepIntervalMs) return;
    this.lastSweepMs = nowMs;
    for (const [sourceId, bucket] of this.buckets) {
      if (bucket.isFull(nowMs)) this.buckets.delete(sourceId);
    }
  }
}
