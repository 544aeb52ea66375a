import { createHmac, hkdfSync, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSource,
  defineMetricSeenByPrivacy,
  postEvents,
  readDeadLetters,
  readTopic,
  recordConsent,
  scrapeMetric,
  startStack,
  testKafka,
  waitFor,
  type CreatedSource,
  type SentEvent,
  type Stack,
} from '@telemetry/test-support';

/**
 * Canary PII sent in over HTTP, as a device would send it, must not come out anywhere past the
 * privacy filter: not on telemetry.clean.v1, not on telemetry.dlq.v1, not in any PostgreSQL table.
 * The kept event proves the canaries went the whole way (scrubbed), not that they were dropped.
 * One kept event carries a canary in its id, which is stored as the id's keyed hash (issue #5).
 */

const DAY_MS = 86_400_000;
const METRIC = 'e2e.support.contact';
const run = randomUUID().slice(0, 8);

const CANARY_EMAIL = `canary.${run}@example.org`;
const CANARY_IPV4 = '198.51.100.173';
const CANARY_IPV6 = '2001:db8:beef:7:6:5:4:3';
const CANARY_CARD = '5555 5555 5555 4444';
const CANARY_PHONE = '+44 20 7946 0321';
const CANARY_JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjYW5hcnkifQ.Y2FuYXJ5LXNpZ25hdHVyZQ';
const CANARY_BEARER = `Bearer canarytoken${run}`;
const CANARIES = [
  CANARY_EMAIL, CANARY_IPV4, CANARY_IPV6, CANARY_CARD, CANARY_CARD.replace(/ /g, ''), CANARY_PHONE, CANARY_PHONE.replace(/ /g, ''), CANARY_JWT,
  `canarytoken${run}`,
];
const NOTE = `mail ${CANARY_EMAIL} ip ${CANARY_IPV4} v6 ${CANARY_IPV6} card ${CANARY_CARD} tel ${CANARY_PHONE} jwt ${CANARY_JWT} auth ${CANARY_BEARER}`;
const subjects = { consented: `canary-user-${run}`, unconsented: `canary-stranger-${run}` };

const event = (subjectId: string, metric = METRIC): SentEvent => ({
  id: randomUUID(),
  metric,
  value: 1,
  timestamp: Date.now(),
  subjectId,
  attributes: { note: NOTE, client_ip: CANARY_IPV4, contact: CANARY_EMAIL, card: CANARY_CARD, email: CANARY_EMAIL },
});

describe('canary PII sent through ingest', () => {
  let stack: Stack;
  let source: CreatedSource;

  beforeAll(async () => {
    stack = await startStack();
    await defineMetricSeenByPrivacy(stack, {
      name: METRIC,
      type: 'counter',
      unit: '1',
      description: 'Support contacts opened from the app.',
      owner: 'support',
      hypothesis: 'The new help screen halves contacts.',
      action: 'Keep the help screen if it does.',
      purpose: 'analytics',
      expires: new Date(Date.now() + 100 * DAY_MS).toISOString().slice(0, 10),
      // "email" is deliberately not declared: it must be stripped, the others scrubbed.
      attributes: ['note', 'client_ip', 'contact', 'card'],
    });
    source = await createSource(stack, 'canary-e2e');
    await recordConsent(stack, subjects.consented, { analytics: true });
    await waitFor(async () => ((await scrapeMetric(stack, 'privacy', 'privacy_consent_cache_size')) === 1 ? true : undefined), 10_000);
  });

  afterAll(async () => {
    await stack?.stopAll();
  });

  it('appear in no clean event, no dead letter and no PostgreSQL row', async () => {
    const kept = event(subjects.consented);
    const keptWithPiiId = { ...event(subjects.consented), id: `signup-${CANARY_EMAIL}` };
    const unconsented = event(subjects.unconsented);
    const unknownMetric = event(subjects.consented, 'e2e.no.such.metric');
    const answer = await postEvents(stack, source.apiKey, [kept, keptWithPiiId, unconsented, unknownMetric]);
    expect(answer).toEqual({ status: 202, body: { accepted: 4, rejected: [] } });

    // The kept event is stored, scrubbed; the others are dead-lettered with their reasons.
    const stored = await waitFor(async () => {
      const { rows } = await stack.db.pool.query<{ attributes: Record<string, string> }>(`SELECT attributes FROM data_points WHERE event_id = $1`, [kept.id]);
      return rows[0];
    }, 30_000, 250);
    expect(stored.attributes).toEqual({
      note: 'mail [email] ip 198.51.100.0/24 v6 2001:db8:beef::/48 card [card] tel [phone] jwt [jwt] auth Bearer [token]',
      client_ip: '198.51.100.0/24',
      contact: '[email]',
      card: '[card]',
    });
    // The id's keyed hash, written out from its definition (HKDF-SHA256 of PSEUDONYM_KEY, then HMAC-SHA256).
    const identifierKey = Buffer.from(hkdfSync('sha256', stack.env['PSEUDONYM_KEY'] ?? '', 'telemetry', 'identifier-hash/v1', 32));
    const hashedId = `h:${createHmac('sha256', identifierKey).update(keptWithPiiId.id, 'utf8').digest('base64url')}`;
    const storedUnderHash = await waitFor(async () => {
      const { rows } = await stack.db.pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM data_points WHERE event_id = $1`, [hashedId]);
      return rows[0]?.n === '1' ? true : undefined;
    }, 30_000, 250);
    expect(storedUnderHash).toBe(true);
    const deadLetters = await readDeadLetters(stack, [unconsented.id, unknownMetric.id]);
    expect(deadLetters.map((letter) => [letter.event?.id, letter.reason]).sort()).toEqual(
      [[unconsented.id, 'no_consent'], [unknownMetric.id, 'unknown_metric']].sort(),
    );

    const kafka = testKafka();
    const clean = await readTopic(kafka, stack.topics.clean, (messages) => messages.some((message) => message.value?.includes(kept.id) === true));
    const dlq = await readTopic(kafka, stack.topics.dlq, (messages) => messages.filter((message) => message.value?.includes(run) === true).length >= 2);
    const onTopics = JSON.stringify([clean.map((message) => message.value), dlq.map((message) => message.value)]);
    expect(onTopics).toContain(kept.id);

    const { rows: tables } = await stack.db.pool.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    expect(tables.map((table) => table.table_name)).toContain('data_points');
    // The scan finds what is there: the consented subject's pseudonym (written out here, independently of libs/privacy).
    const pseudonym = createHmac('sha256', stack.env['PSEUDONYM_KEY'] ?? '').update(subjects.consented, 'utf8').digest('base64url');
    const control = await stack.db.pool.query(`SELECT 1 FROM "data_points" t WHERE strpos(t::text, $1) > 0 LIMIT 1`, [pseudonym]);
    expect(control.rowCount).toBe(1);
    for (const canary of [...CANARIES, ...Object.values(subjects)]) {
      expect({ canary, onTopics: onTopics.includes(canary) }).toEqual({ canary, onTopics: false });
      for (const { table_name: table } of tables) {
        const found = await stack.db.pool.query(`SELECT 1 FROM "${table}" t WHERE strpos(t::text, $1) > 0 LIMIT 1`, [canary]);
        expect({ canary, table, rows: found.rowCount }).toEqual({ canary, table, rows: 0 });
      }
    }
  });
});
