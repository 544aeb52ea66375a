import type { BodyBufferPool } from './body-buffer-pool';

/**
 * A request body read into one buffer with `headroom` spare bytes in front of it, so a short
 * prefix can be put before (part of) the body without copying the body (prefixed). The buffer
 * may come from a BodyBufferPool: release() gives it back once nothing refers to the body.
 */
export class RequestBody {
  private released = false;

  constructor(
    /** headroom + body bytes; a view of `buffer`. */
    private readonly whole: Buffer,
    private readonly headroom: number,
    private readonly pooled?: { pool: BodyBufferPool; buffer: Buffer },
  ) {}

  get bytes(): Buffer {
    return this.whole.subarray(this.headroom);
  }

  /**
   * `prefix` followed by the body from byte `from` on. Written into the headroom (and over the
   * body's first `from` bytes) when it fits, so use it last; copied into a new buffer otherwise.
   * The result shares the body's buffer: it is valid until release().
   */
  prefixed(prefix: string, from: number): Buffer {
    const prefixBytes = Buffer.byteLength(prefix);
    const start = this.headroom + from - prefixBytes;
    if (start < 0) return Buffer.concat([Buffer.from(prefix), this.whole.subarray(this.headroom + from)]);
    this.whole.write(prefix, start, prefixBytes, 'utf8');
    return this.whole.subarray(start);
  }

  /** Returns a pooled buffer to its pool (once; later calls do nothing). The body and every view of it are then invalid. */
  release(): void {
    if (this.released || !this.pooled) return;
    this.released = true;
    this.pooled.pool.release(this.pooled.buffer);
  }
}
