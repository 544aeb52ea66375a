import { getConsent, InvalidConsentError, recordConsent, requestErasure } from '@telemetry/admin';
import type { ConsentRecord } from '@telemetry/contracts';
import { BatchProducer, type TopicNames } from '@telemetry/kafka';
import { pseudonymize } from '@telemetry/privacy';
import { createTestDatabase, createTestTopics, readTopic, testKafka, type TestDatabase } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_PSEUDONYM_KEY } from './privacy-test-kit';

describe('libs/admin consent and erasure (real Kafka and PostgreSQL)', () => {
  let kafka: Kafka;
  let db: TestDatabase;
  let topics: TopicNames;
  let producer: BatchProducer;
  const deps = () => ({ pool: db.pool, producer, consentTopic: topics.consent, pseudonymKey: TEST_PSEUDONYM_KEY });

  beforeAll(async () => {
    kafka = testKafka();
    db = await createTestDatabase();
    ({ topics } = await createTestTopics(kafka, 1));
    producer = await BatchProducer.connect(kafka);
  });

  afterAll(async () => {
    await producer?.disconnect();
    await db?.drop();
  });

  it('merges grants per subject, stores and publishes them under the pseudonym, and audits each change', async () => {
    const subject = pseudonymize(TEST_PSEUDONYM_KEY, 'merge-subject');
    expect(await getConsent(deps(), 'merge-subject')).toBeNull();
    await recordConsent(deps(), 'merge-subject', { analytics: true, performance: false }, 'test:alice');
    const merged = await recordConsent(deps(), 'merge-subject', { performance: true }, 'test:bob');
    expect(merged).toMatchObject({ subject, purposes: { analytics: true, performance: true } });
    expect(await getConsent(deps(), 'merge-subject')).toMatchObject({ subject, purposes: { analytics: true, performance: true } });

    const published = await readTopic(kafka, topics.consent, (messages) => messages.length >= 2);
    expect(published.map((message) => message.key)).toEqual([subject, subject]);
    expect(published.map((message) => (JSON.parse(message.value ?? 'null') as ConsentRecord).purposes)).toEqual([
      { analytics: true, performance: false },
      { analytics: true, performance: true },
    ]);
    expect(JSON.stringify(published)).not.toContain('merge-subject');

    const audit = await db.pool.query<{ actor: string; action: string; details: unknown }>(
      `SELECT actor, action, details FROM audit_log WHERE target = $1 ORDER BY id`,
      [subject],
    );
    expect(audit.rows).toEqual([
      { actor: 'test:alice', action: 'consent.record', details: { purposes: { analytics: true, performance: false } } },
      { actor: 'test:bob', action: 'consent.record', details: { purposes: { performance: true } } },
    ]);
  });

  it.each([
    ['an empty subject', '', { analytics: true }, /subjectId/],
    ['a subject id longer than an event allows', 'x'.repeat(129), { analytics: true }, /subjectId/],
    ['no purpose', 'subject', {}, /at least one purpose/],
    ['purpose none', 'subject', { none: true }, /needs no consent/],
    ['a purpose that is not an identifier', 'subject', { 'Analytics Purpose': true }, /must match/],
  ])('refuses %s with InvalidConsentError and writes nothing', async (_case, subjectId, purposes, message) => {
    const attempt = recordConsent(deps(), subjectId, purposes, 'test');
    await expect(attempt).rejects.toBeInstanceOf(InvalidConsentError);
    await expect(attempt).rejects.toThrow(message);
    const rows = await db.pool.query(`SELECT 1 FROM consents WHERE subject = $1`, [pseudonymize(TEST_PSEUDONYM_KEY, subjectId || '-')]);
    expect(rows.rowCount).toBe(0);
  });

  it('erases a subject that never consented nor sent anything: a completed request with zero counts', async () => {
    const request = await requestErasure(deps(), 'nobody-ever', 'test');
    expect(request).toMatchObject({ status: 'completed', alreadyErased: false, deletedRows: { data_points: 0, consents: 0 } });
    expect((await requestErasure(deps(), 'nobody-ever', 'test')).alreadyErased).toBe(true);
  });
});
