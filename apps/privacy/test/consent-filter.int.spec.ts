import type { INestApplicationContext } from '@nestjs/common';
import { recordConsent, requestErasure } from '@telemetry/admin';
import type { BatchProducer, TopicNames } from '@telemetry/kafka';
import { pseudonymize } from '@telemetry/privacy';
import { createTestDatabase, readTopic, waitFor, type TestDatabase } from '@telemetry/test-support';
import type { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsentFilterService } from '../src/consent-filter/consent-filter.service';
import {
  TEST_PSEUDONYM_KEY,
  cleanEventsOf,
  deadLettersOf,
  readAll,
  sendRaw,
  startPrivacyTestFilter,
  type PrivacyTestFilter,
} from './privacy-test-kit';

const CANARY_EMAIL = 'canary.person@example.org';
const CANARY_IPV4 = '203.0.113.77';
const CANARY_IPV6 = '2001:db8:abcd:12:1:2:3:4';
const CANARY_CARD = '4111 1111 1111 1111';
const CANARY_PHONE = '+44 20 7946 0958';
const CANARY_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.c2lnbmF0dXJlLWNhbmFyeQ';
const CANARIES = [CANARY_EMAIL, CANARY_IPV4, CANARY_IPV6, CANARY_CARD, CANARY_CARD.replace(/ /g, ''), CANARY_PHONE, CANARY_JWT];

describe('privacy filter (real Kafka and PostgreSQL)', () => {
  let kafka: Kafka;
  let db: TestDatabase;
  let topics: TopicNames;
  let producer: BatchProducer;
  let app: INestApplicationContext;
  let testFilter: PrivacyTestFilter;
  let filter: ConsentFilterService;
  const run = Math.random().toString(36).slice(2, 8);
  const pseudonymOf = (subjectId: string) => pseudonymize(TEST_PSEUDONYM_KEY, subjectId);
  const consentDeps = () => ({ pool: db.pool, producer, consentTopic: topics.consent, pseudonymKey: TEST_PSEUDONYM_KEY });
  const grant = (subjectId: string, purposes: Record<string, boolean>) => recordConsent(consentDeps(), subjectId, purposes, 'test');
  const viewSays = (subjectId: string, purpose: string, granted: boolean | undefined) =>
    waitFor(async () => (filter.consentFor(pseudonymOf(subjectId))?.purposes[purpose] === granted ? true : undefined), 10_000, 20);

  beforeAll(async () => {
    db = await createTestDatabase();
    testFilter = await startPrivacyTestFilter();
    ({ kafka, topics, producer, app } = testFilter);
    filter = app.get(ConsentFilterService);
  });

  afterAll(async () => {
    await testFilter?.close();
    await db?.drop();
  });

  it('never lets canary e-mails, IPs, card numbers, phones or tokens through to the clean or dead-letter topics', async () => {
    const subject = `canary-subject-${run}`;
    await grant(subject, { analytics: true });
    await viewSays(subject, 'analytics', true);
    const note = `mail ${CANARY_EMAIL} ip ${CANARY_IPV4} v6 ${CANARY_IPV6} card ${CANARY_CARD} tel ${CANARY_PHONE} auth ${CANARY_JWT}`;
    const events = [
      { id: `canary-pass-${run}`, metric: 'page.view', value: 1, timestamp: Date.now(), subjectId: subject, attributes: { path: '/a', note, email: CANARY_EMAIL } },
      { id: `canary-machine-${run}`, metric: 'app.crash', value: 1, timestamp: Date.now(), subjectId: subject, attributes: { build: CANARY_IPV4, note } },
      { id: `canary-unknown-${run}`, metric: 'no.such.metric', value: 1, timestamp: Date.now(), subjectId: subject, attributes: { note } },
      { id: `canary-unconsented-${run}`, metric: 'page.view', value: 1, timestamp: Date.now(), subjectId: `stranger-${run}`, attributes: { note } },
      { id: CANARY_EMAIL, metric: 'page.view', value: 'x', timestamp: CANARY_PHONE, subjectId: subject, attributes: { note } },
    ];
    await sendRaw(producer, topics.raw, `source-${run}`, events);

    const deadLetters = deadLettersOf(
      (await readTopic(kafka, topics.dlq, (messages) => deadLettersOf(messages.map((m) => m.value)).length >= 3)).map((m) => m.value),
    );
    const clean = cleanEventsOf(
      (await readTopic(kafka, topics.clean, (messages) => cleanEventsOf(messages.map((m) => m.value)).length >= 2)).map((m) => m.value),
    );

    expect(clean.map((event) => event.id).sort()).toEqual([`canary-machine-${run}`, `canary-pass-${run}`]);
    expect(clean.find((event) => event.id === `canary-pass-${run}`)?.attributes).toEqual({
      path: '/a',
      note: 'mail [email] ip 203.0.113.0/24 v6 2001:db8:abcd::/48 card [card] tel [phone] auth [jwt]',
    });
    expect(deadLetters.map((letter) => letter.reason).sort()).toEqual(['malformed', 'no_consent', 'unknown_metric']);
    for (const letter of deadLetters) expect(letter.stage).toBe('privacy');

    const everything = JSON.stringify([clean, deadLetters]);
    for (const canary of [...CANARIES, subject, `stranger-${run}`]) expect(everything).not.toContain(canary);
    expect(everything).toContain(pseudonymOf(subject));
    expect(everything).toContain(pseudonymOf(`stranger-${run}`));

    // Nothing this service or the consent path wrote to PostgreSQL holds a raw subject id either.
    const tables = await db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    for (const { table_name: table } of tables.rows) {
      const found = await db.pool.query(`SELECT 1 FROM "${table}" t WHERE t::text LIKE $1 OR t::text LIKE $2 LIMIT 1`, [`%${subject}%`, `%${CANARY_EMAIL}%`]);
      expect({ table, rows: found.rowCount }).toEqual({ table, rows: 0 });
    }
  });

  it('drops a subject without consent, passes the next events once consent is granted, and stops them within 5 s of revocation', async () => {
    const subject = `consent-subject-${run}`;
    const batchOf = (phase: string) =>
      Array.from({ length: 5 }, (_, index) => ({ id: `${phase}-${index}-${run}`, metric: 'page.view', value: index, timestamp: Date.now(), subjectId: subject }));
    const noConsentIds = (values: Array<string | null>) =>
      deadLettersOf(values)
        .filter((letter) => letter.reason === 'no_consent' && (letter.event as { subjectId?: string }).subjectId === pseudonymOf(subject))
        .map((letter) => (letter.event as { id: string }).id);
    const dlqIds = async (expected: number) =>
      noConsentIds((await readTopic(kafka, topics.dlq, (messages) => noConsentIds(messages.map((m) => m.value)).length >= expected)).map((m) => m.value));

    await sendRaw(producer, topics.raw, `source-${run}`, batchOf('before'));
    expect((await dlqIds(5)).filter((id) => id.startsWith('before-'))).toHaveLength(5);

    await grant(subject, { analytics: true });
    await viewSays(subject, 'analytics', true);
    await sendRaw(producer, topics.raw, `source-${run}`, batchOf('granted'));
    const afterGrant = cleanEventsOf(
      (await readTopic(kafka, topics.clean, (messages) => cleanEventsOf(messages.map((m) => m.value)).filter((e) => e.id.startsWith('granted-')).length >= 5)).map((m) => m.value),
    );
    expect(afterGrant.filter((event) => event.id.startsWith('granted-')).map((event) => event.subjectId)).toEqual(Array(5).fill(pseudonymOf(subject)));

    const revokedAtMs = Date.now();
    await grant(subject, { analytics: false });
    await viewSays(subject, 'analytics', false);
    expect(Date.now() - revokedAtMs).toBeLessThan(5_000);
    await sendRaw(producer, topics.raw, `source-${run}`, batchOf('revoked'));
    expect((await dlqIds(10)).filter((id) => id.startsWith('revoked-'))).toHaveLength(5);

    const cleanIds = cleanEventsOf(await readAll(kafka, topics.clean)).map((event) => event.id);
    expect(cleanIds.filter((id) => id.startsWith('before-') || id.startsWith('revoked-'))).toEqual([]);
  });

  it('erases a subject: zero rows left in per-subject tables, consent gone from the filter, an audit entry with counts; again is harmless', async () => {
    const subject = `erased-subject-${run}`;
    const pseudonym = pseudonymOf(subject);
    await grant(subject, { analytics: true });
    await viewSays(subject, 'analytics', true);
    // Rows as the processor stores them: data_points keyed by the pseudonym.
    await db.pool.query(
      `INSERT INTO data_points (time, metric, value, subject, source_id, event_id, received_at)
       SELECT now() - make_interval(mins => n), 'page.view', n, $1, 'source', 'erase-' || n, now() FROM generate_series(1, 3) AS n`,
      [pseudonym],
    );
    await db.pool.query(
      `INSERT INTO data_points (time, metric, value, subject, source_id, event_id, received_at) VALUES (now(), 'page.view', 1, 'someone-else', 'source', 'keep-1', now())`,
    );

    const first = await requestErasure(consentDeps(), subject, 'test');
    expect(first).toMatchObject({ subject: pseudonym, status: 'completed', alreadyErased: false, deletedRows: { data_points: 3, consents: 1 } });

    const left = await db.pool.query<{ points: string; consents: string; others: string }>(
      `SELECT (SELECT count(*) FROM data_points WHERE subject = $1) AS points,
              (SELECT count(*) FROM consents WHERE subject = $1) AS consents,
              (SELECT count(*) FROM data_points WHERE subject = 'someone-else') AS others`,
      [pseudonym],
    );
    expect(left.rows[0]).toEqual({ points: '0', consents: '0', others: '1' });
    const audit = await db.pool.query<{ action: string; details: { deletedRows: Record<string, number> } }>(
      `SELECT action, details FROM audit_log WHERE target = $1 AND action = 'subject.erase'`,
      [pseudonym],
    );
    expect(audit.rows).toEqual([{ action: 'subject.erase', details: { requestId: first.id, deletedRows: { data_points: 3, consents: 1 } } }]);
    await waitFor(async () => (filter.consentFor(pseudonym) === undefined ? true : undefined), 5_000, 20);

    const again = await requestErasure(consentDeps(), subject, 'test');
    expect(again).toMatchObject({ id: first.id, alreadyErased: true });
    const counts = await db.pool.query<{ requests: string; audits: string }>(
      `SELECT (SELECT count(*) FROM erasure_requests WHERE subject = $1) AS requests,
              (SELECT count(*) FROM audit_log WHERE target = $1 AND action = 'subject.erase') AS audits`,
      [pseudonym],
    );
    expect(counts.rows[0]).toEqual({ requests: '1', audits: '1' });
  });
});
