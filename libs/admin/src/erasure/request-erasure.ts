import { enterErasureFenceExclusive } from '@telemetry/db';
import type { BatchProducer } from '@telemetry/kafka';
import { pseudonymize } from '@telemetry/privacy';
import type { Pool } from 'pg';
import { recordAudit } from '../audit/record-audit';
import { withTransaction } from '../audit/with-transaction';
import { checkSubjectId } from '../consent/record-consent';

/** What erasure needs: the database, the producer and topic carrying consent.v1, and the pseudonym key. */
export interface ErasureAdminDeps {
  readonly pool: Pool;
  readonly producer: Pick<BatchProducer, 'send'>;
  readonly consentTopic: string;
  readonly pseudonymKey: string;
}

/**
 * Every table holding per-subject rows, by the column that holds the pseudonym. A new table that
 * stores a subject must be added here. (erasure_requests and audit_log keep the pseudonym: they
 * are the record that the erasure happened.)
 */
export const PER_SUBJECT_TABLES: ReadonlyArray<{ readonly table: string; readonly column: string }> = [
  { table: 'data_points', column: 'subject' },
  { table: 'consents', column: 'subject' },
];

export interface ErasureRequest {
  readonly id: string;
  /** The pseudonym; the raw subject id is never stored. */
  readonly subject: string;
  readonly status: 'pending' | 'completed' | 'failed';
  readonly requestedAt: Date;
  readonly completedAt: Date | null;
  /** Rows deleted per table. */
  readonly deletedRows: Readonly<Record<string, number>> | null;
  /** True when an earlier request had already erased everything and this one found nothing left. */
  readonly alreadyErased: boolean;
}

interface ErasureRow {
  id: string;
  subject: string;
  status: 'pending' | 'completed' | 'failed';
  requested_at: Date;
  completed_at: Date | null;
  deleted_rows: Record<string, number> | null;
}

const COLUMNS = 'id, subject, status, requested_at, completed_at, deleted_rows';

const toRequest = (row: ErasureRow, alreadyErased: boolean): ErasureRequest => ({
  id: row.id,
  subject: row.subject,
  status: row.status,
  requestedAt: row.requested_at,
  completedAt: row.completed_at,
  deletedRows: row.deleted_rows,
  alreadyErased,
});

/**
 * Erases a subject (GDPR art. 17), as `npm run erasure:request` and the GraphQL requestErasure
 * mutation do. First a pending erasure_requests row is recorded and a consent.v1 tombstone is
 * published, so the privacy filters stop passing the subject's events (no consent record = nothing
 * granted); then, in one transaction, the subject's rows are deleted from every per-subject table,
 * the request is completed with the counts, and audit_log records it. Idempotent: a crash leaves
 * a pending request that the next call completes, and a call after a completed erasure that finds
 * nothing left returns that erasure without recording another.
 *
 * Events acknowledged before the request but still in the pipeline are dropped by the processor
 * (it skips subjects erased after an event was received). The deleting transaction takes the
 * erasure fence exclusive (libs/db erasure-fence): it waits for the processor's storing
 * transactions in flight, which checked erasure_requests before the request was recorded, so
 * its DELETE sees and removes what they commit.
 */
export const requestErasure = async (deps: ErasureAdminDeps, subjectId: string, actor: string): Promise<ErasureRequest> => {
  checkSubjectId(subjectId);
  const subject = pseudonymize(deps.pseudonymKey, subjectId);
  const lockSubject = `SELECT pg_advisory_xact_lock(hashtext('telemetry.erasure'), hashtext($1))`;

  const pending = await withTransaction(deps.pool, async (client) => {
    await client.query(lockSubject, [subject]);
    const existing = await client.query<ErasureRow>(
      `SELECT ${COLUMNS} FROM erasure_requests WHERE subject = $1 AND status = 'pending' ORDER BY requested_at LIMIT 1`,
      [subject],
    );
    if (existing.rows[0] !== undefined) return existing.rows[0];
    const inserted = await client.query<ErasureRow>(`INSERT INTO erasure_requests (subject) VALUES ($1) RETURNING ${COLUMNS}`, [subject]);
    return inserted.rows[0] as ErasureRow;
  });

  await deps.producer.send([{ topic: deps.consentTopic, messages: [{ key: subject, value: null }] }]);

  return withTransaction(deps.pool, async (client) => {
    await client.query(lockSubject, [subject]);
    await enterErasureFenceExclusive(client);
    const deletedRows: Record<string, number> = {};
    for (const { table, column } of PER_SUBJECT_TABLES) {
      const result = await client.query(`DELETE FROM ${table} WHERE ${column} = $1`, [subject]);
      deletedRows[table] = result.rowCount ?? 0;
    }
    const total = Object.values(deletedRows).reduce((sum, count) => sum + count, 0);
    const previous = await client.query<ErasureRow>(
      `SELECT ${COLUMNS} FROM erasure_requests WHERE subject = $1 AND status = 'completed' ORDER BY completed_at DESC LIMIT 1`,
      [subject],
    );
    const completedBefore = previous.rows[0];
    if (total === 0 && completedBefore !== undefined) {
      await client.query(`DELETE FROM erasure_requests WHERE id = $1 AND status = 'pending'`, [pending.id]);
      return toRequest(completedBefore, true);
    }
    const completed = await client.query<ErasureRow>(
      `UPDATE erasure_requests SET status = 'completed', completed_at = now(), deleted_rows = $2
       WHERE id = $1 RETURNING ${COLUMNS}`,
      [pending.id, JSON.stringify(deletedRows)],
    );
    const row = completed.rows[0];
    if (row === undefined) throw new Error(`erasure request ${pending.id} vanished`);
    await recordAudit(client, { actor, action: 'subject.erase', target: subject, details: { requestId: row.id, deletedRows } });
    return toRequest(row, false);
  });
};

/** The erasure requests recorded for a subject, newest first. */
export const listErasureRequests = async (deps: { readonly pool: Pool; readonly pseudonymKey: string }, subjectId: string): Promise<ErasureRequest[]> => {
  checkSubjectId(subjectId);
  const { rows } = await deps.pool.query<ErasureRow>(
    `SELECT ${COLUMNS} FROM erasure_requests WHERE subject = $1 ORDER BY requested_at DESC`,
    [pseudonymize(deps.pseudonymKey, subjectId)],
  );
  return rows.map((row) => toRequest(row, false));
};
