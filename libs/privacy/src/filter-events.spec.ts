import { createEventValidator, type ConsentRecord, type MetricDefinition } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { createCatalogLookup } from './catalog-lookup';
import { createScrubber } from './create-scrubber';
import { DailyBudgetCounter } from './daily-budget-counter';
import { filterEvents, rejectEvents } from './filter-events';
import { createIdentifierHasher } from './hash-identifier';
import { createPrivacyTally, type PrivacyBatch } from './privacy-steps';
import { pseudonymize } from './pseudonymize';

const KEY = 'test-pseudonym-key-of-at-least-32-chars';
const NOW = Date.UTC(2026, 10, 25, 12);
const DAY_MS = 86_400_000;
const hashIdentifier = createIdentifierHasher(KEY);

const DEFINITIONS: MetricDefinition[] = [
  { name: 'checkout.latency', type: 'histogram', description: 'd', purpose: 'performance', expires: '2027-06-30', attributes: ['region', 'note'] },
  { name: 'app.crash', type: 'counter', description: 'd', purpose: 'none', expires: 'never', attributes: ['build'] },
  { name: 'old.metric', type: 'gauge', description: 'd', purpose: 'none', expires: '2026-01-31', attributes: [] },
  { name: 'page.view', type: 'counter', description: 'd', purpose: 'analytics', expires: '2027-06-30', attributes: [], budget: { eventsPerDay: 2 } },
  { name: 'telemetry.self.auth_failures', type: 'counter', description: 'd', purpose: 'none', expires: 'never', attributes: ['service', 'reason'] },
];

const consents = new Map<string, ConsentRecord>([
  [pseudonymize(KEY, 'alice'), { subject: pseudonymize(KEY, 'alice'), purposes: { performance: true, analytics: true }, at: '2026-11-01T00:00:00Z' }],
  [pseudonymize(KEY, 'bob'), { subject: pseudonymize(KEY, 'bob'), purposes: { performance: false, analytics: true }, at: '2026-11-01T00:00:00Z' }],
]);

const newBatch = (): PrivacyBatch => {
  const byName = new Map(DEFINITIONS.map((definition) => [definition.name, definition]));
  return {
    nowMs: NOW,
    maxFutureMs: DAY_MS,
    validateEvent: createEventValidator(),
    findMetric: createCatalogLookup((name) => byName.get(name)),
    consentFor: (pseudonym) => consents.get(pseudonym),
    pseudonymize: (subjectId) => pseudonymize(KEY, subjectId),
    hashIdentifier,
    budget: new DailyBudgetCounter(),
    scrubber: createScrubber(),
    tally: createPrivacyTally(),
  };
};

const event = (overrides: Record<string, unknown> = {}) => ({
  id: 'e1',
  metric: 'checkout.latency',
  value: 120,
  timestamp: NOW - 1_000,
  subjectId: 'alice',
  ...overrides,
});

describe('filterEvents: what passes and why the rest is dead-lettered', () => {
  it.each([
    ['consented subject', event(), null],
    ['purpose none without subject', event({ metric: 'app.crash', subjectId: undefined }), null],
    ['purpose none, subject without consent', event({ metric: 'app.crash', subjectId: 'carol' }), null],
    ['ISO timestamp', event({ timestamp: '2026-11-25T11:00:00Z' }), null],
    ['not an object', 'hello', 'malformed'],
    ['value not finite', event({ value: 'NaN' }), 'malformed'],
    ['unknown field', event({ extra: 1 }), 'malformed'],
    ['bad timestamp', event({ timestamp: 'yesterday' }), 'malformed'],
    ['more than a day ahead', event({ timestamp: NOW + DAY_MS + 60_000 }), 'timestamp_out_of_range'],
    ['before 2000 (epoch seconds from a direct producer)', event({ timestamp: Math.floor(NOW / 1_000) }), 'timestamp_out_of_range'],
    ['year 2199', event({ timestamp: '2199-01-01T00:00:00Z' }), 'timestamp_out_of_range'],
    ['unknown metric', event({ metric: 'nobody.knows' }), 'unknown_metric'],
    ['reserved metric, though the catalog lists it', event({ metric: 'telemetry.self.auth_failures', subjectId: undefined }), 'reserved_metric'],
    ['reserved metric the catalog does not list', event({ metric: 'telemetry.self.made_up', subjectId: undefined }), 'reserved_metric'],
    ['expired metric', event({ metric: 'old.metric' }), 'expired'],
    ['no subject for a consent purpose', event({ subjectId: undefined }), 'no_consent'],
    ['subject without any record', event({ subjectId: 'carol' }), 'no_consent'],
    ['purpose refused', event({ subjectId: 'bob' }), 'no_consent'],
  ])('%s → %s', (_case, input, reason) => {
    const result = filterEvents([input], newBatch());
    if (reason === null) {
      expect(result.rejected).toEqual([]);
      expect(result.clean).toHaveLength(1);
    } else {
      expect(result.clean).toEqual([]);
      expect(result.rejected.map((rejection) => rejection.reason)).toEqual([reason]);
    }
  });

  it('passes reserved metrics in the services\' own report only, and counts the refused ones', () => {
    const selfMetric = event({ metric: 'telemetry.self.auth_failures', subjectId: undefined, attributes: { service: 'ingest', reason: 'invalid_key' } });
    expect(filterEvents([selfMetric], { ...newBatch(), isSelfReport: true }).clean).toHaveLength(1);
    const batch = newBatch();
    expect(filterEvents([selfMetric, selfMetric], batch).clean).toEqual([]);
    expect(batch.tally.rejected.reserved_metric).toBe(2);
  });

  it('refuses events beyond the daily budget, counting only accepted ones', () => {
    const batch = newBatch();
    const events = [
      event({ id: 'a', metric: 'page.view', subjectId: 'carol' }),
      event({ id: 'b', metric: 'page.view' }),
      event({ id: 'c', metric: 'page.view' }),
      event({ id: 'd', metric: 'page.view' }),
    ];
    const result = filterEvents(events, batch);
    expect(result.clean.map((clean) => clean.id)).toEqual(['b', 'c']);
    expect(result.rejected.map((rejection) => [rejection.event?.id, rejection.reason])).toEqual([
      ['a', 'no_consent'],
      ['d', 'over_budget'],
    ]);
  });
});

describe('filterEvents: the clean event', () => {
  it('keeps declared attributes, scrubs them, and carries the pseudonym instead of the subject', () => {
    const batch = newBatch();
    const result = filterEvents(
      [event({ attributes: { region: 'eu', note: 'mail bob@example.com from 10.1.2.3', email: 'alice@example.com', device: 'x' } })],
      batch,
    );
    expect(result.clean).toEqual([
      {
        id: 'e1',
        metric: 'checkout.latency',
        value: 120,
        timestamp: NOW - 1_000,
        subjectId: pseudonymize(KEY, 'alice'),
        attributes: { region: 'eu', note: 'mail [email] from 10.1.2.0/24' },
      },
    ]);
    expect(batch.tally.strippedKeys).toBe(2);
    expect(batch.tally.passed).toBe(1);
    const hitsByRule = Object.fromEntries(batch.scrubber.ruleNames.map((name, index) => [name, batch.tally.scrubHits[index] ?? 0]));
    expect(hitsByRule).toMatchObject({ email: 1, ipv4: 1, phone: 0 });
  });

  it('gives each event of a mixed batch only its own subject and attributes', () => {
    const batch = newBatch();
    const result = filterEvents(
      [
        event({ id: 'a', attributes: { region: 'eu', device: 'x' } }),
        event({ id: 'b', metric: 'app.crash', subjectId: undefined }),
        event({ id: 'c', subjectId: 'bob' }),
        event({ id: 'd', metric: 'app.crash', subjectId: 'carol', attributes: { build: '42', note: 'n' } }),
        event({ id: 'e', attributes: { note: 'ok' } }),
      ],
      batch,
    );
    expect(result.clean.map(({ id, subjectId, attributes }) => ({ id, subjectId, attributes }))).toEqual([
      { id: 'a', subjectId: pseudonymize(KEY, 'alice'), attributes: { region: 'eu' } },
      { id: 'b', subjectId: undefined, attributes: undefined },
      { id: 'd', subjectId: pseudonymize(KEY, 'carol'), attributes: { build: '42' } },
      { id: 'e', subjectId: pseudonymize(KEY, 'alice'), attributes: { note: 'ok' } },
    ]);
    expect(result.rejected.map((rejection) => [rejection.event?.id, rejection.reason])).toEqual([['c', 'no_consent']]);
    expect(batch.tally.strippedKeys).toBe(2);
  });

  it('hands on the attributes object itself when nothing is stripped or scrubbed', () => {
    const attributes = { region: 'eu', note: 'fine' };
    expect(filterEvents([event({ attributes })], newBatch()).clean[0]?.attributes).toBe(attributes);
  });

  // Issue #5: the id is the sender's idempotency key, stored in data_points.event_id. Redacting PII
  // in it would merge distinct ids; its keyed hash keeps them apart and is the same for a replay.
  it('keeps PII out of the clean event id', () => {
    const [clean] = filterEvents([event({ id: 'signup-bob@example.com' })], newBatch()).clean;
    expect(clean?.id).not.toContain('bob@example.com');
    expect(clean?.id).toBe(hashIdentifier('signup-bob@example.com'));
  });

  it('gives a replayed event the same id and distinct ids distinct hashes, and counts them', () => {
    const ids = ['signup-bob@example.com', 'signup-carol@example.com', 'from 10.1.2.3', 'call +44 20 7946 0958'];
    const batch = newBatch();
    const first = filterEvents(ids.map((id) => event({ id })), batch).clean.map((clean) => clean.id);
    const replay = filterEvents(ids.map((id) => event({ id })), newBatch()).clean.map((clean) => clean.id);
    expect(replay).toEqual(first);
    expect(new Set(first).size).toBe(ids.length);
    expect(first).toEqual(ids.map(hashIdentifier));
    expect(batch.tally.hashedEventIds).toBe(ids.length);
    const hitsByRule = Object.fromEntries(batch.scrubber.ruleNames.map((name, index) => [name, batch.tally.scrubHits[index] ?? 0]));
    expect(hitsByRule).toMatchObject({ email: 2, ipv4: 1, phone: 1 });
  });

  it.each([
    'e1',
    'checkout-2026-11-25-000123',
    '550e8400-e29b-41d4-a716-446655440000',
    '49921877-8069-400e-9560-e2cf7cdd9b42',
    '86145a45631627327777e14a27f8eafe',
    '01ARZ3NDEKTSV4RRFFQ69G5FAV',
  ])(
    'passes an id that holds no PII unchanged (%s)',
    (id) => {
      const batch = newBatch();
      expect(filterEvents([event({ id })], batch).clean[0]?.id).toBe(id);
      expect(batch.tally.hashedEventIds).toBe(0);
    },
  );

  it('pseudonymizes the subject of purpose-none events too', () => {
    const result = filterEvents([event({ metric: 'app.crash', subjectId: 'carol' })], newBatch());
    expect(result.clean[0]?.subjectId).toBe(pseudonymize(KEY, 'carol'));
  });
});

describe('filterEvents: dead letters never carry the raw subject or attributes', () => {
  it.each([
    ['no consent', event({ subjectId: 'carol', attributes: { region: 'eu', note: 'carol@example.com' } })],
    ['malformed with PII in fields', { id: 'carol@example.com', metric: 'Bad Metric', subjectId: 'carol', timestamp: '+1 555 123 4567', attributes: { x: 1 } }],
  ])('%s', (_case, input) => {
    const batch = newBatch();
    const [rejection] = filterEvents([input], batch).rejected;
    const serialized = JSON.stringify(rejection);
    expect(rejection?.event?.subjectId).toBe(pseudonymize(KEY, 'carol'));
    expect(serialized).not.toMatch(/"carol|carol@|attributes|555 123/);
  });

  it('names a rejected event by the id its clean event would have carried, never the raw one', () => {
    const id = 'signup-carol@example.com';
    const [rejection] = filterEvents([event({ id, subjectId: 'carol' })], newBatch()).rejected;
    expect(rejection?.reason).toBe('no_consent');
    expect(rejection?.event?.id).toBe(hashIdentifier(id));
    expect(filterEvents([event({ id: 'e7', subjectId: 'carol' })], newBatch()).rejected[0]?.event?.id).toBe('e7');
  });

  it('hashes an over-long id whole instead of echoing a prefix that may end inside PII', () => {
    const id = `${'x'.repeat(250)} bob@example.com`;
    const [rejection] = filterEvents([event({ id })], newBatch()).rejected;
    expect(rejection).toEqual({ event: expect.objectContaining({ id: hashIdentifier(id) }), reason: 'malformed' });
  });

  it('scrubs a long metric or timestamp before cutting it, so no fragment of PII survives the cut', () => {
    for (const pad of [240, 245, 250]) {
      const [rejection] = filterEvents([event({ metric: `${'m'.repeat(pad)} bob@example.com`, timestamp: `${'t'.repeat(pad)} 4111 1111 1111 1111` })], newBatch()).rejected;
      expect(rejection?.reason).toBe('malformed');
      expect(JSON.stringify(rejection)).not.toMatch(/bob|4111/);
      expect(rejection?.event?.metric?.length).toBeLessThanOrEqual(256);
    }
  });

  it('dead-letters every event of an envelope for one reason with rejectEvents, counted', () => {
    const batch = newBatch();
    const rejected = rejectEvents([event({ id: 'signup-dave@example.com' }), event({ id: 'e2' }), 'junk'], 'invalid_source', batch);
    expect(rejected.map((rejection) => [rejection.event?.id ?? null, rejection.reason])).toEqual([
      [hashIdentifier('signup-dave@example.com'), 'invalid_source'],
      ['e2', 'invalid_source'],
      [null, 'invalid_source'],
    ]);
    expect(JSON.stringify(rejected)).not.toMatch(/alice|dave@/);
    expect(batch.tally.rejected.invalid_source).toBe(3);
    expect(batch.tally.passed).toBe(0);
  });

  it('keeps nothing of an event that is not an object', () => {
    expect(filterEvents([['alice@example.com']], newBatch()).rejected).toEqual([{ event: null, reason: 'malformed' }]);
  });

  it('counts rejections by reason', () => {
    const batch = newBatch();
    filterEvents([event(), event({ metric: 'x.y' }), event({ metric: 'x.z' }), 'junk'], batch);
    expect(batch.tally.rejected).toMatchObject({ unknown_metric: 2, malformed: 1, no_consent: 0 });
    expect(batch.tally.passed).toBe(1);
  });
});
