import type { Pool, PoolClient } from 'pg';
import type { DetectorStream } from './to-scored-points';

const POLL_INTERVAL_MS = 100;

/**
 * PostgreSQL advisory locks, one per (consumer group, stream, partition), held by the instance
 * whose detectors for that partition are live. When a rebalance moves a partition, the new owner
 * waits for the lock, which the previous owner releases only after checkpointing the partition's
 * series; so the new owner never loads a checkpoint older than the previous owner's last point.
 * A crashed owner's locks go with its session, and the new owner resumes from the last checkpoint.
 */
export class PartitionLocks {
  private client: PoolClient | null = null;
  private readonly held = new Set<string>();

  constructor(
    private readonly pool: Pool,
    private readonly groupId: string,
    private readonly onConnectionLost: (error: Error) => void,
  ) {}

  /**
   * Takes the partition's lock, waiting up to timeoutMs for its previous owner. Returns false when
   * the wait timed out (the previous owner is hung, not dead): the caller proceeds from the
   * checkpoint as it is, since stalling the partition would be worse than a slightly older state.
   */
  async acquire(stream: DetectorStream, partition: number, timeoutMs: number, whileWaiting?: () => Promise<void>): Promise<boolean> {
    const name = `${stream}:${partition}`;
    if (this.held.has(name)) return true;
    const client = await this.session();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1), $2) AS locked', [
        `${this.groupId}|${stream}`,
        partition,
      ]);
      if (rows[0]?.locked) {
        this.held.add(name);
        return true;
      }
      if (Date.now() >= deadline) return false;
      await whileWaiting?.();
      await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
    }
  }

  async release(stream: DetectorStream, partitions: readonly number[]): Promise<void> {
    const client = this.client;
    for (const partition of partitions) {
      const name = `${stream}:${partition}`;
      if (!this.held.delete(name) || !client) continue;
      await client.query('SELECT pg_advisory_unlock(hashtext($1), $2)', [`${this.groupId}|${stream}`, partition]);
    }
  }

  async close(): Promise<void> {
    this.held.clear();
    const client = this.client;
    this.client = null;
    // Ending the session releases every lock it holds.
    client?.release(true);
  }

  private async session(): Promise<PoolClient> {
    if (this.client) return this.client;
    const client = await this.pool.connect();
    client.on('error', (error) => {
      // The session is gone and its locks with it; the next acquire opens a new one.
      this.held.clear();
      if (this.client === client) this.client = null;
      this.onConnectionLost(error);
    });
    this.client = client;
    return client;
  }
}
