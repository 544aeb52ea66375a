import type { ClientBase, Pool } from 'pg';

/** A pg Pool or a client inside a transaction: admin operations write their audit row in the caller's transaction. */
export type Queryable = Pick<Pool | ClientBase, 'query'>;

export interface AuditEntry {
  /** Who: "token:<id>", "bootstrap-admin", "cli:<user>". */
  readonly actor: string;
  /** What: a verb on a noun, e.g. "metric.define", "token.create". */
  readonly action: string;
  readonly target: string | null;
  /** Never secrets, raw subject ids or keys: only what a reviewer needs to follow the change. */
  readonly details?: Record<string, unknown>;
}

/** Who did what, when (audit_log). "when" is the database clock, so rows order the same as the changes. */
export const recordAudit = async (db: Queryable, entry: AuditEntry): Promise<void> => {
  await db.query('INSERT INTO audit_log (actor, action, target, details) VALUES ($1, $2, $3, $4)', [
    entry.actor,
    entry.action,
    entry.target,
    JSON.stringify(entry.details ?? {}),
  ]);
};
