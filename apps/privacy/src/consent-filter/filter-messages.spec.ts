import { createEventValidator, type DeadLetter, type MetricDefinition, type RawEnvelope } from '@telemetry/contracts';
import { SELF_SOURCE_ID, selfMetricDefinition, type ConsumedMessage } from '@telemetry/kafka';
import {
  createCatalogLookup,
  createIdentifierHasher,
  createPrivacyTally,
  createScrubber,
  DailyBudgetCounter,
  pseudonymize,
  type PrivacyBatch,
} from '@telemetry/privacy';
import { describe, expect, it } from 'vitest';
import { filterMessages } from './filter-messages';

const KEY = 'unit-test-pseudonym-key-0123456789abcdef';
const NOW = Date.UTC(2026, 10, 25, 12);
const AT = new Date(NOW);
const hashIdentifier = createIdentifierHasher(KEY);
const definitions = new Map<string, MetricDefinition>([
  ['app.crash', { name: 'app.crash', type: 'counter', description: 'd', purpose: 'none', expires: 'never', attributes: ['build'] }],
  ['telemetry.self.source_volume', selfMetricDefinition('telemetry.self.source_volume')!],
]);

const batch = (): PrivacyBatch => ({
  nowMs: NOW,
  maxFutureMs: 86_400_000,
  validateEvent: createEventValidator(),
  findMetric: createCatalogLookup((name) => definitions.get(name)),
  consentFor: () => undefined,
  pseudonymize: (subjectId) => pseudonymize(KEY, subjectId),
  hashIdentifier,
  budget: new DailyBudgetCounter(),
  scrubber: createScrubber(),
  tally: createPrivacyTally(),
});

const message = (value: string | null, key: string | null = 'source-1', offset = '0'): ConsumedMessage => ({
  topic: 'telemetry.raw.v1',
  partition: 0,
  offset,
  key,
  value: value === null ? null : Buffer.from(value),
  timestampMs: NOW,
});

const envelope = (events: unknown[], sourceId = 'source-1'): string =>
  JSON.stringify({ sourceId, receivedAt: '2026-11-25T12:00:00.000Z', events });

const parse = <T>(value: string | Buffer | null | undefined): T => JSON.parse(String(value)) as T;

describe('filterMessages', () => {
  it('keeps passing events in one clean envelope per raw envelope, keyed by source, in order', () => {
    const events = [
      { id: 'a', metric: 'app.crash', value: 1, timestamp: NOW, subjectId: 'dev-1', attributes: { build: '1.2', host: 'x' } },
      { id: 'b', metric: 'nope.metric', value: 1, timestamp: NOW },
      { id: 'c', metric: 'app.crash', value: 2, timestamp: NOW },
    ];
    const result = filterMessages([message(envelope(events)), message(envelope([events[2]], 'source-2'), 'source-2', '1')], batch(), AT);
    expect(result.eventsIn).toBe(4);
    expect(result.clean.map((out) => out.key)).toEqual(['source-1', 'source-2']);
    const first = parse<RawEnvelope>(result.clean[0]?.value);
    expect(first).toEqual({
      sourceId: 'source-1',
      receivedAt: '2026-11-25T12:00:00.000Z',
      events: [
        { id: 'a', metric: 'app.crash', value: 1, timestamp: NOW, subjectId: pseudonymize(KEY, 'dev-1'), attributes: { build: '1.2' } },
        { id: 'c', metric: 'app.crash', value: 2, timestamp: NOW },
      ],
    });
    expect(result.deadLetters.map((out) => parse<DeadLetter>(out.value))).toEqual([
      { sourceId: 'source-1', event: { id: 'b', metric: 'nope.metric', value: 1, timestamp: NOW }, reason: 'unknown_metric', stage: 'privacy', at: AT.toISOString() },
    ]);
  });

  it('leaves the services\' own figures unscrubbed (a source id may look like a phone number), and nothing else', () => {
    const sourceId = '01330894-7667-490c-8659-8c90542b8ee0';
    const volume = { id: 'v', metric: 'telemetry.self.source_volume', value: 5, timestamp: NOW, attributes: { source: sourceId } };
    const crash = { id: 'c', metric: 'app.crash', value: 1, timestamp: NOW, attributes: { build: '+44 20 7946 0958' } };
    const self = filterMessages([message(envelope([volume, crash], SELF_SOURCE_ID), SELF_SOURCE_ID)], batch(), AT);
    const events = parse<RawEnvelope>(self.clean[0]?.value).events;
    expect(events.find((e) => e.id === 'v')?.attributes).toEqual({ source: sourceId });
    expect(events.find((e) => e.id === 'c')?.attributes?.['build']).not.toContain('7946');
    // Anyone else's telemetry.self.* never gets that far: the names are reserved (next test).
    expect(filterMessages([message(envelope([volume]))], batch(), AT).clean).toEqual([]);
  });

  it('dead-letters telemetry.self.* from any source but the services themselves as reserved_metric, listed in the catalog or not', () => {
    const forged = [
      { id: 'v', metric: 'telemetry.self.source_volume', value: 0, timestamp: NOW, attributes: { source: 'victim' } },
      { id: 'a', metric: 'telemetry.self.auth_failures', value: 0, timestamp: NOW, attributes: { service: 'ingest', reason: 'invalid_key' } },
    ];
    const crash = { id: 'c', metric: 'app.crash', value: 1, timestamp: NOW };
    const state = batch();
    const result = filterMessages([message(envelope([...forged, crash]))], state, AT);
    expect(parse<RawEnvelope>(result.clean[0]?.value).events).toEqual([crash]);
    const letters = result.deadLetters.map((out) => ({ key: out.key, ...parse<DeadLetter & { event: { id: string } }>(out.value) }));
    expect(letters.map((letter) => [letter.key, letter.event.id, letter.reason])).toEqual([
      ['source-1', 'v', 'reserved_metric'],
      ['source-1', 'a', 'reserved_metric'],
    ]);
    expect(result.rejectedBySource).toEqual([{ sourceId: 'source-1', reason: 'reserved_metric', count: 2 }]);
    expect(state.tally.rejected.reserved_metric).toBe(2);
  });

  it('passes the services\' own figures on their built-in definitions, which no other source gets', () => {
    const authFailures = { id: 'a', metric: 'telemetry.self.auth_failures', value: 3, timestamp: NOW, attributes: { service: 'ingest', reason: 'invalid_key' } };
    expect(definitions.has(authFailures.metric)).toBe(false);
    const self = filterMessages([message(envelope([authFailures], SELF_SOURCE_ID), SELF_SOURCE_ID)], batch(), AT);
    expect(parse<RawEnvelope>(self.clean[0]?.value).events).toEqual([authFailures]);
    expect(self.deadLetters).toEqual([]);
  });

  it('counts the rejections per source and reason', () => {
    const unknown = { id: 'b', metric: 'nope.metric', value: 1, timestamp: NOW };
    const result = filterMessages(
      [message(envelope([unknown, unknown, { id: 'x' }])), message(envelope([unknown], 'source-2'), 'source-2'), message('{', 'source-3')],
      batch(),
      AT,
    );
    expect(result.rejectedBySource).toEqual([
      { sourceId: 'source-1', reason: 'unknown_metric', count: 2 },
      { sourceId: 'source-1', reason: 'malformed', count: 1 },
      { sourceId: 'source-2', reason: 'unknown_metric', count: 1 },
      { sourceId: 'source-3', reason: 'malformed', count: 1 },
    ]);
  });

  it('produces no clean envelope when every event was rejected', () => {
    const result = filterMessages([message(envelope([{ id: 'b', metric: 'nope.metric', value: 1, timestamp: NOW }]))], batch(), AT);
    expect(result.clean).toEqual([]);
    expect(result.deadLetters).toHaveLength(1);
  });

  it('dead-letters every event of an envelope whose sourceId holds PII as invalid_source, naming the source by its keyed hash', () => {
    const sourceId = 'bob@example.com';
    const events = [
      { id: 'a', metric: 'app.crash', value: 1, timestamp: NOW, subjectId: 'dev-1' },
      { id: 'signup-bob@example.com', metric: 'nope.metric', value: 1, timestamp: NOW },
      { id: 'x' },
    ];
    const state = batch();
    const result = filterMessages([message(envelope(events, sourceId), sourceId)], state, AT);
    expect(result.clean).toEqual([]);
    expect(result.eventsIn).toBe(3);
    expect(result.deadLetters.map((out) => out.key)).toEqual(Array(3).fill(hashIdentifier(sourceId)));
    expect(result.deadLetters.map((out) => parse<DeadLetter>(out.value))).toEqual([
      { sourceId: hashIdentifier(sourceId), event: { id: 'a', metric: 'app.crash', value: 1, timestamp: NOW, subjectId: pseudonymize(KEY, 'dev-1') }, reason: 'invalid_source', stage: 'privacy', at: AT.toISOString() },
      { sourceId: hashIdentifier(sourceId), event: { id: hashIdentifier('signup-bob@example.com'), metric: 'nope.metric', value: 1, timestamp: NOW }, reason: 'invalid_source', stage: 'privacy', at: AT.toISOString() },
      { sourceId: hashIdentifier(sourceId), event: { id: 'x' }, reason: 'invalid_source', stage: 'privacy', at: AT.toISOString() },
    ]);
    expect(result.rejectedBySource).toEqual([{ sourceId: hashIdentifier(sourceId), reason: 'invalid_source', count: 3 }]);
    expect(state.tally.rejected).toMatchObject({ invalid_source: 3, unknown_metric: 0, malformed: 0 });
    expect(JSON.stringify(result)).not.toContain('bob@');
  });

  it.each([
    ['a UUID as ingest stamps it, digits like a phone number included', '49921877-8069-400e-9560-e2cf7cdd9b42'],
    ['a direct producer\'s name', 'billing-service'],
    ['the services\' own source', SELF_SOURCE_ID],
  ])('passes the events of a legitimate source unchanged (%s)', (_case, sourceId) => {
    const crash = { id: 'c', metric: 'app.crash', value: 1, timestamp: NOW };
    const result = filterMessages([message(envelope([crash], sourceId), sourceId)], batch(), AT);
    expect(result.deadLetters).toEqual([]);
    expect(result.clean.map((out) => [out.key, parse<RawEnvelope>(out.value).sourceId, parse<RawEnvelope>(out.value).events])).toEqual([[sourceId, sourceId, [crash]]]);
  });

  it.each([
    ['holds PII', 'carol@example.com'],
    ['is too long to echo whole', 'k'.repeat(129)],
  ])('names an unreadable envelope whose key %s by the key\'s hash', (_case, key) => {
    const result = filterMessages([message('{', key)], batch(), AT);
    expect(result.deadLetters.map((out) => [out.key, parse<DeadLetter>(out.value).sourceId])).toEqual([[hashIdentifier(key), hashIdentifier(key)]]);
    expect(result.rejectedBySource).toEqual([{ sourceId: hashIdentifier(key), reason: 'malformed', count: 1 }]);
  });

  it.each([
    ['not JSON', 'alice@example.com {'],
    ['JSON but not an envelope', JSON.stringify({ events: 'alice@example.com' })],
    ['no value', null],
  ])('dead-letters an unreadable envelope (%s) without its content', (_case, value) => {
    const result = filterMessages([message(value, 'source-9')], batch(), AT);
    expect(result.envelopesRejected).toBe(1);
    expect(result.deadLetters.map((out) => [out.key, parse<DeadLetter>(out.value)])).toEqual([
      ['source-9', { sourceId: 'source-9', event: null, reason: 'malformed', stage: 'privacy', at: AT.toISOString() }],
    ]);
  });
});
