import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSource,
  defineMetricSeenByPrivacy,
  graphql,
  postEvents,
  readDeadLetters,
  recordConsent,
  scrapeMetric,
  seriesTotalsBy,
  startStack,
  type CreatedSource,
  type SentEvent,
  type Stack,
} from '@telemetry/test-support';

/**
 * Consent and erasure against the whole stack as processes: consent is recorded and erasure
 * requested over GraphQL, events go in over HTTP, and what was kept is read back through the
 * GraphQL `series` and `consent` queries. The database and the DLQ are only extra evidence.
 */

const DAY_MS = 86_400_000;
const SERIES_TIMEOUT_MS = 20_000;
const VIEW_TIMEOUT_MS = 10_000;
const METRIC = 'e2e.app.screen_seconds';

const run = randomUUID().slice(0, 8);
const subjects = {
  consented: `user-${run}-consented`,
  unconsented: `user-${run}-unconsented`,
  otherPurpose: `user-${run}-performance-only`,
  erased: `user-${run}-erased`,
};

const event = (value: number, cohort: string, subjectId?: string): SentEvent => ({
  id: randomUUID(),
  metric: METRIC,
  value,
  timestamp: Date.now(),
  attributes: { cohort },
  ...(subjectId === undefined ? {} : { subjectId }),
});

/** Written out here (not imported from libs/privacy) so the test checks the pseudonym independently. */
const pseudonymOf = (stack: Stack, subjectId: string) => createHmac('sha256', stack.env['PSEUDONYM_KEY'] ?? '').update(subjectId, 'utf8').digest('base64url');

const totalsByCohort = (stack: Stack) => seriesTotalsBy(stack, METRIC, 'cohort');

const storedRowsOf = async (stack: Stack, subjectId: string) => {
  const { rows } = await stack.db.pool.query<{ count: string }>(`SELECT count(*) FROM data_points WHERE subject = $1`, [pseudonymOf(stack, subjectId)]);
  return Number(rows[0]?.count);
};

/** The privacy service rebuilds its consent view from consent.v1; its size says when a change has arrived. */
const waitForConsentView = (stack: Stack, subjectCount: number) =>
  expect.poll(() => scrapeMetric(stack, 'privacy', 'privacy_consent_cache_size'), { timeout: VIEW_TIMEOUT_MS, interval: 100 }).toBe(subjectCount);

const queryConsent = async (stack: Stack, subjectId: string) =>
  (
    await graphql<{ consent: { subject: string; purposes: Array<{ purpose: string; granted: boolean }> } | null }>(
      stack,
      `query ($s: String!) { consent(subjectId: $s) { subject purposes { purpose granted } } }`,
      { s: subjectId },
    )
  ).consent;

describe('consent and erasure, from the outside', () => {
  let stack: Stack;
  let source: CreatedSource;

  beforeAll(async () => {
    stack = await startStack();
    // The privacy service learns the catalog from catalog.v1; until then the metric's events would be "unknown_metric".
    await defineMetricSeenByPrivacy(stack, {
      name: METRIC,
      type: 'gauge',
      unit: 's',
      description: 'Seconds a user spends on a screen of the app.',
      owner: 'growth',
      hypothesis: 'The new onboarding keeps users on the first screen for less time.',
      action: 'Keep the onboarding if it does; else revert it.',
      purpose: 'analytics',
      expires: new Date(Date.now() + 100 * DAY_MS).toISOString().slice(0, 10),
      attributes: ['cohort'],
    }, VIEW_TIMEOUT_MS);
    source = await createSource(stack, 'privacy-e2e');
  });

  afterAll(async () => {
    await stack?.stopAll();
  });

  it('stores a consented subject\'s events and never one without consent for the metric\'s purpose', async () => {
    await recordConsent(stack, subjects.consented, { analytics: true });
    await recordConsent(stack, subjects.otherPurpose, { performance: true, analytics: false });
    expect(await queryConsent(stack, subjects.consented)).toEqual({ subject: pseudonymOf(stack, subjects.consented), purposes: [{ purpose: 'analytics', granted: true }] });
    expect(await queryConsent(stack, subjects.unconsented)).toBeNull();
    await waitForConsentView(stack, 2);

    const kept = [event(12, 'consented', subjects.consented), event(30, 'consented', subjects.consented), event(18, 'consented', subjects.consented)];
    const refused = [
      event(40, 'unconsented', subjects.unconsented),
      event(41, 'unconsented', subjects.unconsented),
      event(50, 'performance-only', subjects.otherPurpose),
      event(60, 'anonymous'),
    ];
    // Interleaved in one request: the filter decides per event, not per batch.
    const answer = await postEvents(stack, source.apiKey, [refused[0]!, kept[0]!, refused[1]!, kept[1]!, refused[2]!, refused[3]!, kept[2]!]);
    expect(answer).toEqual({ status: 202, body: { accepted: 7, rejected: [] } });

    const deadLetters = await readDeadLetters(stack, refused.map((one) => one.id));
    expect(deadLetters.map((record) => [record.event?.id, record.reason]).sort()).toEqual(refused.map((one) => [one.id, 'no_consent']).sort());
    // A dead letter carries the pseudonym, never the subject id that was sent.
    expect(deadLetters.find((record) => record.event?.id === refused[0]!.id)?.event?.subjectId).toBe(pseudonymOf(stack, subjects.unconsented));

    await expect.poll(() => totalsByCohort(stack), { timeout: SERIES_TIMEOUT_MS, interval: 250 }).toEqual({ consented: { count: 3, sum: 60 } });
    expect(await storedRowsOf(stack, subjects.consented)).toBe(3);
    expect(await storedRowsOf(stack, subjects.unconsented)).toBe(0);
    expect(await storedRowsOf(stack, subjects.otherPurpose)).toBe(0);
    const { rows } = await stack.db.pool.query<{ count: string }>(`SELECT count(*) FROM data_points WHERE metric = $1`, [METRIC]);
    expect(Number(rows[0]?.count)).toBe(3);
  });

  it('erases everything stored about a subject, and refuses what the subject sends afterwards', async () => {
    await recordConsent(stack, subjects.erased, { analytics: true });
    await waitForConsentView(stack, 3);
    const before = [event(5, 'erased', subjects.erased), event(7, 'erased', subjects.erased)];
    expect((await postEvents(stack, source.apiKey, before)).status).toBe(202);
    await expect.poll(async () => (await totalsByCohort(stack))['erased'], { timeout: SERIES_TIMEOUT_MS, interval: 250 }).toEqual({ count: 2, sum: 12 });
    expect(await storedRowsOf(stack, subjects.erased)).toBe(2);

    const { requestErasure: erasure } = await graphql<{ requestErasure: { status: string; subject: string; deletedRows: Record<string, number>; alreadyErased: boolean } }>(
      stack,
      `mutation ($s: String!) { requestErasure(subjectId: $s) { status subject deletedRows alreadyErased } }`,
      { s: subjects.erased },
    );
    expect(erasure).toEqual({ status: 'completed', subject: pseudonymOf(stack, subjects.erased), deletedRows: { data_points: 2, consents: 1 }, alreadyErased: false });
    expect(await queryConsent(stack, subjects.erased)).toBeNull();
    await waitForConsentView(stack, 2);

    // The device keeps sending; a consented subject's event in the same request shows when they were decided.
    const after = [event(9, 'erased', subjects.erased), event(11, 'erased', subjects.erased)];
    const control = event(100, 'control', subjects.consented);
    expect((await postEvents(stack, source.apiKey, [...after, control])).status).toBe(202);
    expect((await readDeadLetters(stack, after.map((one) => one.id))).map((record) => record.reason)).toEqual(['no_consent', 'no_consent']);
    await expect.poll(async () => (await totalsByCohort(stack))['control'], { timeout: SERIES_TIMEOUT_MS, interval: 250 }).toEqual({ count: 1, sum: 100 });
    expect(await storedRowsOf(stack, subjects.erased)).toBe(0);
    expect(await queryConsent(stack, subjects.erased)).toBeNull();

    // Asking again finds nothing left and says so, without recording a second erasure.
    const { requestErasure: again } = await graphql<{ requestErasure: { status: string; alreadyErased: boolean } }>(
      stack,
      `mutation ($s: String!) { requestErasure(subjectId: $s) { status alreadyErased } }`,
      { s: subjects.erased },
    );
    expect(again).toEqual({ status: 'completed', alreadyErased: true });
    const { rows } = await stack.db.pool.query<{ count: string }>(`SELECT count(*) FROM erasure_requests WHERE subject = $1`, [pseudonymOf(stack, subjects.erased)]);
    expect(Number(rows[0]?.count)).toBe(1);
  });

  describe('with the processor lagging behind an erasure', () => {
    const subject = `user-${run}-in-flight`;

    it('acknowledges the subject\'s events, completes the erasure while they wait, then works through the backlog', async () => {
      await recordConsent(stack, subject, { analytics: true });
      await waitForConsentView(stack, 3);
      await stack.stop('processor');
      try {
        const inFlight = [event(3, 'in-flight', subject), event(4, 'in-flight', subject)];
        expect((await postEvents(stack, source.apiKey, inFlight)).status).toBe(202);
        const { requestErasure: erasure } = await graphql<{ requestErasure: { status: string; deletedRows: Record<string, number> } }>(
          stack,
          `mutation ($s: String!) { requestErasure(subjectId: $s) { status deletedRows } }`,
          { s: subject },
        );
        expect(erasure).toEqual({ status: 'completed', deletedRows: { data_points: 0, consents: 1 } });
      } finally {
        await stack.start('processor');
      }
      const control = event(100, 'after-restart', subjects.consented);
      expect((await postEvents(stack, source.apiKey, [control])).status).toBe(202);
      await expect.poll(async () => (await totalsByCohort(stack))['after-restart'], { timeout: SERIES_TIMEOUT_MS, interval: 250 }).toEqual({ count: 1, sum: 100 });
    });

    // Issue #5/#9: events acknowledged before the erasure and stored after it are dropped by the
    // processor (erasure_requests checked in the storing transaction, under the erasure fence).
    it('leaves no row of the erased subject once the backlog is stored, and counts them nowhere', async () => {
      expect(await storedRowsOf(stack, subject)).toBe(0);
      expect((await totalsByCohort(stack))['in-flight']).toBeUndefined();
      expect(await scrapeMetric(stack, 'processor', 'processor_erased_points_total')).toBe(2);
    });
  });
});
