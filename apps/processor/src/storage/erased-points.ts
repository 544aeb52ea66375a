import type { PoolClient } from 'pg';
import type { StoredPoint } from './decode-batch';

/** What erasure_requests and consents say about one subject of a batch. */
export interface SubjectErasure {
  /** The latest erasure request for the subject (pending or completed). */
  erasedAtMs: number;
  /** When the subject's consent was last recorded, or null when none is left. */
  consentedAtMs: number | null;
}

/**
 * A point of an erased subject is dropped when it was received at or before the subject's latest
 * erasure request (acknowledged before it, still in the pipeline while it ran), and also when no
 * consent has been recorded since that request: the privacy filter learns of the erasure from a
 * consent.v1 tombstone, so it may still pass a few events received just after it. Points received
 * after a new consent are the subject's again, and kept.
 */
export const isErasedPoint = (point: Pick<StoredPoint, 'receivedAtMs'>, erasure: SubjectErasure): boolean =>
  point.receivedAtMs <= erasure.erasedAtMs || erasure.consentedAtMs === null || erasure.consentedAtMs <= erasure.erasedAtMs;

/** One indexed lookup per batch: the batch's subjects that have an erasure request. */
const findErasures = async (client: PoolClient, subjects: string[]): Promise<Map<string, SubjectErasure>> => {
  const { rows } = await client.query<{ subject: string; erased_at: Date; consented_at: Date | null }>(
    `SELECT e.subject, e.erased_at, c.updated_at AS consented_at
       FROM (SELECT subject, max(requested_at) AS erased_at FROM erasure_requests WHERE subject = ANY($1::text[]) GROUP BY subject) e
       LEFT JOIN consents c ON c.subject = e.subject`,
    [subjects],
  );
  return new Map(rows.map((row) => [row.subject, { erasedAtMs: row.erased_at.getTime(), consentedAtMs: row.consented_at?.getTime() ?? null }]));
};

/**
 * Inside the storing transaction, after the points were inserted (they are streamed into COPY
 * while still being decoded, so their subjects are only known then) and before they are rolled
 * up: deletes the just-inserted points of erased subjects (isErasedPoint) and returns the others.
 * The caller holds the erasure fence (enterErasureFenceShared) so no erasure runs in between.
 * One SELECT per batch; a DELETE only when a batch holds an erased subject's points.
 */
export const dropErasedPoints = async (client: PoolClient, inserted: StoredPoint[]): Promise<{ kept: StoredPoint[]; erased: number }> => {
  const subjects = [...new Set(inserted.flatMap((point) => (point.subject === null ? [] : [point.subject])))];
  if (subjects.length === 0) return { kept: inserted, erased: 0 };
  const erasures = await findErasures(client, subjects);
  if (erasures.size === 0) return { kept: inserted, erased: 0 };
  const kept: StoredPoint[] = [];
  const erased: StoredPoint[] = [];
  for (const point of inserted) {
    const erasure = point.subject === null ? undefined : erasures.get(point.subject);
    (erasure !== undefined && isErasedPoint(point, erasure) ? erased : kept).push(point);
  }
  if (erased.length > 0) {
    await client.query(`DELETE FROM data_points d USING unnest($1::text[], $2::timestamptz[]) AS u(event_id, time) WHERE d.event_id = u.event_id AND d.time = u.time`, [
      erased.map((point) => point.eventId),
      erased.map((point) => new Date(point.timeMs)),
    ]);
  }
  return { kept, erased: erased.length };
};
