import { Inject, Injectable } from '@nestjs/common';
import {
  getConsent,
  recordAudit,
  recordConsent,
  requestErasure,
  type ConsentAdminDeps,
  type ErasureAdminDeps,
  type ErasureRequest,
  type SubjectConsent,
} from '@telemetry/admin';
import { requirePseudonymKey } from '@telemetry/config';
import type { BatchProducer, TopicNames } from '@telemetry/kafka';
import type { Pool } from 'pg';
import type { ApiConfig } from '../config';
import { API_CONFIG, PG_POOL, PRODUCER, TOPICS } from '../core/api-deps';

/**
 * libs/admin's consent and erasure operations (the same ones `consent:set` and `erasure:request`
 * run), with this API's database, producer, consent.v1 topic and PSEUDONYM_KEY, so what is
 * recorded here is keyed by the pseudonym the privacy filter computes.
 */
@Injectable()
export class PrivacyAdmin {
  private readonly consentDeps: ConsentAdminDeps;
  private readonly erasureDeps: ErasureAdminDeps;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(PRODUCER) producer: BatchProducer,
    @Inject(TOPICS) topics: TopicNames,
    @Inject(API_CONFIG) config: ApiConfig,
  ) {
    const pseudonymKey = requirePseudonymKey(config);
    this.consentDeps = { pool, producer, consentTopic: topics.consent, pseudonymKey };
    this.erasureDeps = { pool, producer, consentTopic: topics.consent, pseudonymKey };
  }

  readConsent(subjectId: string): Promise<SubjectConsent | null> {
    return getConsent(this.consentDeps, subjectId);
  }

  recordConsent(subjectId: string, purposes: Readonly<Record<string, boolean>>, actor: string): Promise<SubjectConsent> {
    return recordConsent(this.consentDeps, subjectId, purposes, actor);
  }

  /**
   * libs/admin audits every erasure that deleted something; a repeated request that found nothing
   * left is still a mutation someone ran, so the API audits it too.
   */
  async requestErasure(subjectId: string, actor: string): Promise<ErasureRequest> {
    const request = await requestErasure(this.erasureDeps, subjectId, actor);
    if (request.alreadyErased) {
      await recordAudit(this.pool, { actor, action: 'subject.erase', target: request.subject, details: { requestId: request.id, alreadyErased: true } });
    }
    return request;
  }
}
