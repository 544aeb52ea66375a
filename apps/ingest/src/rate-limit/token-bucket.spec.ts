import { describe, expect, it } from 'vitest';
import { SourceRateLimiter, TokenBucket } from './token-bucket';

describe('TokenBucket', () => {
  it.each([
    // [description, takes as [count, atMs][], expected result of the last take]
    ['a burst up to capacity passes', [[100, 0]], { ok: true }],
    ['beyond capacity waits for the refill', [[100, 0], [20, 0]], { ok: false, retryAfterSeconds: 2 }],
    ['refills at the rate', [[100, 0], [20, 2_000]], { ok: true }],
    ['a partial refill is not enough', [[100, 0], [20, 1_500]], { ok: false, retryAfterSeconds: 1 }],
    ['never refills above capacity', [[1, 0], [100, 60_000], [1, 60_000]], { ok: false, retryAfterSeconds: 1 }],
    ['a request larger than the bucket costs the whole bucket', [[500, 0]], { ok: true }],
    ['… and then waits for a full bucket', [[500, 0], [500, 5_000]], { ok: false, retryAfterSeconds: 5 }],
  ] as const)('%s', (_label, takes, expected) => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 100 }, 0);
    let result: ReturnType<TokenBucket['take']> = { ok: true };
    for (const [count, atMs] of takes) result = bucket.take(count, atMs);
    expect(result).toEqual(expected);
  });
});

describe('SourceRateLimiter', () => {
  it('keeps one bucket per source', () => {
    const limiter = new SourceRateLimiter({ ratePerSecond: 10, burst: 100 }, () => 0);
    expect(limiter.take('a', 100)).toEqual({ ok: true });
    expect(limiter.take('a', 1).ok).toBe(false);
    expect(limiter.take('b', 100)).toEqual({ ok: true });
  });

  it('lets everything through when the rate is 0 (disabled)', () => {
    const limiter = new SourceRateLimiter({ ratePerSecond: 0, burst: 1 }, () => 0);
    expect(limiter.isEnabled).toBe(false);
    expect(limiter.take('a', 1_000_000)).toEqual({ ok: true });
  });

  it('forgets full buckets, so a returning source starts full', () => {
    let nowMs = 0;
    const limiter = new SourceRateLimiter({ ratePerSecond: 10, burst: 100 }, () => nowMs, 1_000);
    expect(limiter.take('a', 100)).toEqual({ ok: true });
    nowMs = 60_000;
    expect(limiter.take('b', 1)).toEqual({ ok: true });
    expect(limiter.take('a', 100)).toEqual({ ok: true });
  });
});
