import { Inject, Injectable } from '@nestjs/common';
import { recordAudit, withTransaction } from '@telemetry/admin';
import { requirePseudonymKey } from '@telemetry/config';
import type { ConsentRecord } from '@telemetry/contracts';
import type { BatchProducer, TopicNames } from '@telemetry/kafka';
import { pseudonymize } from '@telemetry/privacy';
import type { Pool } from 'pg';
import type { ApiConfig } from '../config';
import { API_CONFIG, PG_POOL, PRODUCER, TOPICS } from '../core/api-deps';
import { badUserInput } from '../errors/api-error';
import type { ConsentState } from './consent.model';
import type { ErasureRequestState, PrivacyAdmin, PurposeGrantInput } from './privacy-admin.port';

const PURPOSE_PATTERN = /^[a-z][a-z0-9_]{0,63}$/;
const MAX_GRANTS = 32;
const MAX_SUBJECT_ID_LENGTH = 256;

const checkSubjectId = (subjectId: string): void => {
  if (subjectId.length === 0 || subjectId.length > MAX_SUBJECT_ID_LENGTH) {
    throw badUserInput(`subjectId must be 1 to ${MAX_SUBJECT_ID_LENGTH} characters`, { argument: 'subjectId' });
  }
};

const checkGrants = (grants: readonly PurposeGrantInput[]): void => {
  if (grants.length === 0 || grants.length > MAX_GRANTS) throw badUserInput(`purposes must list 1 to ${MAX_GRANTS} grants`, { argument: 'purposes' });
  const seen = new Set<string>();
  for (const grant of grants) {
    if (!PURPOSE_PATTERN.test(grant.purpose)) {
      throw badUserInput(`purpose ${JSON.stringify(grant.purpose.slice(0, 80))} is not a purpose name (lowercase, digits, _)`, { argument: 'purposes' });
    }
    if (seen.has(grant.purpose)) throw badUserInput(`purpose ${grant.purpose} is listed twice`, { argument: 'purposes' });
    seen.add(grant.purpose);
  }
};

interface ConsentRow {
  subject: string;
  purposes: Record<string, boolean>;
  updated_at: Date;
}

interface ErasureRow {
  id: string;
  subject: string;
  status: string;
  requested_at: Date;
  completed_at: Date | null;
  deleted_rows: Record<string, unknown> | null;
}

/**
 * Consent and erasure over the consents / erasure_requests tables and consent.v1, keyed by the
 * same pseudonym the privacy filter computes (libs/privacy `pseudonymize`), so what is recorded
 * here is what the filter enforces. Raw subject ids are never stored, published or audited.
 */
@Injectable()
export class TablePrivacyAdmin implements PrivacyAdmin {
  private readonly pseudonymKey: string;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(PRODUCER) private readonly producer: BatchProducer,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    this.pseudonymKey = requirePseudonymKey(config);
  }

  async readConsent(subjectId: string): Promise<ConsentState | null> {
    checkSubjectId(subjectId);
    const { rows } = await this.pool.query<ConsentRow>('SELECT subject, purposes, updated_at FROM consents WHERE subject = $1', [
      pseudonymize(this.pseudonymKey, subjectId),
    ]);
    const row = rows[0];
    return row ? { subject: row.subject, purposes: row.purposes, updatedAt: row.updated_at } : null;
  }

  /**
   * Merges the grants into the subject's consent and publishes the whole result on consent.v1
   * (compacted: the latest record per subject is the truth), before COMMIT, so the table never
   * holds a consent the topic lacks.
   */
  async recordConsent(subjectId: string, grants: readonly PurposeGrantInput[], actor: string): Promise<ConsentState> {
    checkSubjectId(subjectId);
    checkGrants(grants);
    const subject = pseudonymize(this.pseudonymKey, subjectId);
    const changes = Object.fromEntries(grants.map((grant) => [grant.purpose, grant.granted]));
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<ConsentRow>(
        `INSERT INTO consents (subject, purposes) VALUES ($1, $2::jsonb)
         ON CONFLICT (subject) DO UPDATE SET purposes = consents.purposes || EXCLUDED.purposes, updated_at = now()
         RETURNING subject, purposes, updated_at`,
        [subject, JSON.stringify(changes)],
      );
      const row = rows[0] as ConsentRow;
      await recordAudit(client, { actor, action: 'consent.record', target: subject, details: { purposes: changes } });
      const record: ConsentRecord = { subject, purposes: row.purposes, at: row.updated_at.toISOString() };
      await this.producer.send([{ topic: this.topics.consent, messages: [{ key: subject, value: JSON.stringify(record) }] }]);
      return { subject, purposes: row.purposes, updatedAt: row.updated_at };
    });
  }

  async requestErasure(subjectId: string, actor: string): Promise<ErasureRequestState> {
    checkSubjectId(subjectId);
    const subject = pseudonymize(this.pseudonymKey, subjectId);
    return withTransaction(this.pool, async (client) => {
      const { rows } = await client.query<ErasureRow>(
        `INSERT INTO erasure_requests (subject) VALUES ($1)
         RETURNING id::text AS id, subject, status, requested_at, completed_at, deleted_rows`,
        [subject],
      );
      const row = rows[0] as ErasureRow;
      await recordAudit(client, { actor, action: 'erasure.request', target: subject, details: { requestId: row.id } });
      return {
        id: row.id,
        subject: row.subject,
        status: row.status,
        requestedAt: row.requested_at,
        completedAt: row.completed_at,
        deletedRows: row.deleted_rows,
      };
    });
  }
}
