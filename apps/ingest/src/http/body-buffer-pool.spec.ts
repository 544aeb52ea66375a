import { describe, expect, it } from 'vitest';
import { BodyBufferPool } from './body-buffer-pool';

describe('BodyBufferPool', () => {
  it('hands out a buffer of the size class and reuses it once released', () => {
    const pool = new BodyBufferPool(16 * 1024, 1024 * 1024);
    const first = pool.acquire(176_012);
    expect(first.length).toBe(256 * 1024);
    pool.release(first);
    expect(pool.idleBytes).toBe(256 * 1024);
    expect(pool.acquire(200_000)).toBe(first);
    expect(pool.idleBytes).toBe(0);
    expect(pool.acquire(200_000)).not.toBe(first);
  });

  it('does not pool small bodies, foreign buffers or more than its idle budget', () => {
    const pool = new BodyBufferPool(16 * 1024, 512 * 1024);
    const small = pool.acquire(1_000);
    expect(small.length).toBe(1_000);
    pool.release(small);
    pool.release(Buffer.alloc(100_000)); // not a size class: not from this pool
    expect(pool.idleBytes).toBe(0);
    const buffers = [pool.acquire(256 * 1024), pool.acquire(256 * 1024), pool.acquire(256 * 1024)];
    for (const buffer of buffers) pool.release(buffer);
    expect(pool.idleBytes).toBe(512 * 1024);
  });
});
