import { DEFAULT_EVENT_LIMITS, TelemetryError, type ConsentRecord } from '@telemetry/contracts';
import type { BatchProducer } from '@telemetry/kafka';
import { pseudonymize } from '@telemetry/privacy';
import type { Pool } from 'pg';
import type { Queryable } from '../audit/record-audit';
import { recordAudit } from '../audit/record-audit';
import { withTransaction } from '../audit/with-transaction';

/** What consent changes need: the database, the producer and topic carrying consent.v1, and the pseudonym key. */
export interface ConsentAdminDeps {
  readonly pool: Pool;
  readonly producer: Pick<BatchProducer, 'send'>;
  readonly consentTopic: string;
  /** PSEUDONYM_KEY: consent is stored and published under the subject's pseudonym, never the raw id. */
  readonly pseudonymKey: string;
  readonly now?: () => Date;
}

/** A subject's consent as stored: `subject` is the pseudonym. */
export interface SubjectConsent {
  readonly subject: string;
  readonly purposes: Readonly<Record<string, boolean>>;
  readonly updatedAt: Date;
}

export class InvalidConsentError extends TelemetryError<'invalid_consent'> {
  constructor(reason: string) {
    super('invalid_consent', reason, false);
  }
}

const PURPOSE_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/;
const MAX_PURPOSES = 32;

export const checkSubjectId = (subjectId: string): void => {
  if (subjectId.length === 0 || subjectId.length > DEFAULT_EVENT_LIMITS.maxIdLength) {
    throw new InvalidConsentError(`subjectId must be 1 to ${DEFAULT_EVENT_LIMITS.maxIdLength} characters`);
  }
};

const checkPurposes = (purposes: Readonly<Record<string, boolean>>): void => {
  const names = Object.keys(purposes);
  if (names.length === 0) throw new InvalidConsentError('at least one purpose is required');
  if (names.length > MAX_PURPOSES) throw new InvalidConsentError(`at most ${MAX_PURPOSES} purposes`);
  for (const name of names) {
    if (!PURPOSE_PATTERN.test(name)) throw new InvalidConsentError(`purpose ${JSON.stringify(name.slice(0, 80))} must match ${PURPOSE_PATTERN.source}`);
    if (name === 'none') throw new InvalidConsentError('purpose "none" needs no consent');
    if (typeof purposes[name] !== 'boolean') throw new InvalidConsentError(`purpose ${name}: granted must be true or false`);
  }
};

interface ConsentRow {
  subject: string;
  purposes: Record<string, boolean>;
  updated_at: Date;
}

const toSubjectConsent = (row: ConsentRow): SubjectConsent => ({ subject: row.subject, purposes: row.purposes, updatedAt: row.updated_at });

/**
 * Records a subject's consent, as `npm run consent:set` and the GraphQL recordConsent mutation do:
 * the purposes given are merged into what the subject granted before (unnamed purposes keep their
 * value), stored in `consents` under the pseudonym, published on consent.v1 (key = pseudonym) for
 * the privacy filters, and audited. The publish happens inside the transaction, while the row is
 * locked: two changes to one subject reach the topic in the order they reached the table, and a
 * row is never committed without its consent.v1 record (a failed COMMIT is healed by retrying).
 */
export const recordConsent = async (
  deps: ConsentAdminDeps,
  subjectId: string,
  purposes: Readonly<Record<string, boolean>>,
  actor: string,
): Promise<SubjectConsent> => {
  checkSubjectId(subjectId);
  checkPurposes(purposes);
  const subject = pseudonymize(deps.pseudonymKey, subjectId);
  const now = deps.now?.() ?? new Date();
  return withTransaction(deps.pool, async (client) => {
    const { rows } = await client.query<ConsentRow>(
      `INSERT INTO consents (subject, purposes, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (subject) DO UPDATE SET purposes = consents.purposes || EXCLUDED.purposes, updated_at = EXCLUDED.updated_at
       RETURNING subject, purposes, updated_at`,
      [subject, JSON.stringify(purposes), now],
    );
    const row = rows[0];
    if (row === undefined) throw new Error('consents upsert returned no row');
    const record: ConsentRecord = { subject, purposes: row.purposes, at: row.updated_at.toISOString() };
    await recordAudit(client, { actor, action: 'consent.record', target: subject, details: { purposes } });
    await deps.producer.send([{ topic: deps.consentTopic, messages: [{ key: subject, value: JSON.stringify(record) }] }]);
    return toSubjectConsent(row);
  });
};

/** A subject's current consent (GraphQL `consent(subjectId)`), or null when none was ever recorded. */
export const getConsent = async (
  deps: { readonly pool: Queryable; readonly pseudonymKey: string },
  subjectId: string,
): Promise<SubjectConsent | null> => {
  checkSubjectId(subjectId);
  const { rows } = await deps.pool.query<ConsentRow>('SELECT subject, purposes, updated_at FROM consents WHERE subject = $1', [
    pseudonymize(deps.pseudonymKey, subjectId),
  ]);
  const row = rows[0];
  return row === undefined ? null : toSubjectConsent(row);
};
