import type { PoolClient } from 'pg';

/**
 * The fence between an erasure and the processor's storing transactions: one PostgreSQL
 * transaction-scoped advisory lock (released at COMMIT or ROLLBACK), in the one-key space, so it
 * never meets requestErasure's per-subject (two-key) lock.
 *
 * Why: a storing transaction checks erasure_requests, then commits its rows. Without the fence an
 * erasure could record its request and run its DELETE between that check and that COMMIT; the
 * DELETE does not see uncommitted rows, so they would be committed afterwards and survive it.
 * The processor takes the lock shared (storing transactions never wait for one another); the
 * erasure takes it exclusive around its DELETE, so it waits for every storing transaction in
 * flight to commit (its DELETE, a later statement under READ COMMITTED, then sees their rows), and
 * every storing transaction starting meanwhile waits for the erasure and then sees its request.
 */
const FENCE_KEY_SQL = `hashtext('telemetry.erasure-fence')`;

/** Taken by each processor transaction that stores points, before it checks erasure_requests. */
export const enterErasureFenceShared = async (client: Pick<PoolClient, 'query'>): Promise<void> => {
  await client.query(`SELECT pg_advisory_xact_lock_shared(${FENCE_KEY_SQL})`);
};

/** Taken by the erasure's deleting transaction: waits for the storing transactions in flight. */
export const enterErasureFenceExclusive = async (client: Pick<PoolClient, 'query'>): Promise<void> => {
  await client.query(`SELECT pg_advisory_xact_lock(${FENCE_KEY_SQL})`);
};
