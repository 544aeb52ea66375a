import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { createEventFastPath } from './create-event-fast-path';
import { ATTRIBUTE_KEY_PATTERN, FORBIDDEN_ATTRIBUTE_KEYS, createEventSchema } from './event';
import { DEFAULT_EVENT_LIMITS, type EventLimits } from './limits';
import { parseTimestampMs } from './parse-timestamp';
import { createEventValidator, formatJsonPointer } from './validate-event';

const validate = createEventValidator();
const valid = { id: 'e-1', metric: 'checkout.latency', value: 12.5, timestamp: '2026-11-25T10:00:00Z' };

describe('createEventValidator', () => {
  it.each([
    ['ISO timestamp', valid],
    ['epoch-ms timestamp', { ...valid, timestamp: 1_795_579_990_456 }],
    ['attributes of each kind', { ...valid, attributes: { region: 'eu', retries: 2, cached: false } }],
    ['a subject', { ...valid, subjectId: 'user-42' }],
    ['32 attributes', { ...valid, attributes: Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, i])) }],
  ])('accepts %s', (_, event) => {
    expect(validate(event)).toEqual({ ok: true, event });
  });

  it.each([
    ['a string value', { ...valid, value: '12' }, 'events[3].value: must be a finite number'],
    ['NaN', { ...valid, value: Number.NaN }, 'events[3].value: must be a finite number'],
    ['Infinity (1e309 in JSON)', JSON.parse('{"id":"e","metric":"m.x","value":1e309,"timestamp":1795579990456}'), 'events[3].value: must be a finite number'],
    ['a missing id', { metric: 'm.x', value: 1, timestamp: 1_795_579_990_456 }, 'events[3].id: is required'],
    ['an unknown field', { ...valid, extra: true }, 'events[3].extra: unexpected property'],
    ['a bad metric name', { ...valid, metric: 'Checkout Latency' }, 'events[3].metric: must match'],
    ['a timestamp in seconds (1970)', { ...valid, timestamp: 1_795_579_990 }, 'events[3].timestamp: timestamp_out_of_range (accepted from 2000-01-01T00:00:00Z to 2200-01-01T00:00:00Z)'],
    ['a timestamp in microseconds', { ...valid, timestamp: 1_795_579_990_456_000 }, 'events[3].timestamp: timestamp_out_of_range (accepted from 2000-01-01T00:00:00Z'],
    ['an ISO timestamp in 1999', { ...valid, timestamp: '1999-12-31T23:59:59Z' }, 'events[3].timestamp: timestamp_out_of_range'],
    ['a free-text timestamp', { ...valid, timestamp: 'yesterday' }, 'events[3].timestamp: must be ISO-8601 or epoch milliseconds'],
    ['a huge string attribute', { ...valid, attributes: { note: 'x'.repeat(1_000_000) } }, 'events[3].attributes.note: must be a string of at most 256 characters'],
    ['a nested attribute', { ...valid, attributes: { deep: { a: { b: {} } } } }, 'events[3].attributes.deep: must be'],
    ['an array attribute', { ...valid, attributes: { list: [1, 2] } }, 'events[3].attributes.list: must be'],
    ['a __proto__ key', JSON.parse('{"id":"e","metric":"m.x","value":1,"timestamp":1795579990456,"attributes":{"__proto__":{"polluted":1}}}'), 'events[3].attributes: invalid key "__proto__"'],
    ['a constructor key', { ...valid, attributes: { constructor: 'x' } }, 'events[3].attributes: invalid key "constructor"'],
    ['an over-long key', { ...valid, attributes: { ['k'.repeat(65)]: 1 } }, 'events[3].attributes: invalid key'],
    ['10,000 attributes', { ...valid, attributes: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i])) }, 'events[3].attributes: must have at most 32 keys'],
    ['null', null, 'events[3]: expected object'],
    ['an array', [valid], 'events[3]: expected object'],
    ['a huge id', { ...valid, id: 'i'.repeat(10_000) }, 'events[3].id: must be at most 128 characters'],
  ])('rejects %s with a precise reason', (_, event, reason) => {
    const result = validate(event, 'events[3]');
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('marks a well-formed timestamp outside the range with the timestamp_out_of_range code, and a malformed one without', () => {
    expect(validate({ ...valid, timestamp: '2201-01-01' })).toMatchObject({ ok: false, code: 'timestamp_out_of_range' });
    expect(validate({ ...valid, timestamp: 'yesterday' })).toEqual({ ok: false, reason: 'timestamp: must be ISO-8601 or epoch milliseconds' });
  });

  it('never pollutes Object.prototype', () => {
    validate(JSON.parse('{"id":"e","metric":"m.x","value":1,"timestamp":1795579990456,"attributes":{"__proto__":{"polluted":1}}}'));
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('honours configured limits', () => {
    const strict = createEventValidator({ ...DEFAULT_EVENT_LIMITS, maxAttributes: 1, maxStringValueLength: 3 });
    expect(strict({ ...valid, attributes: { a: 1, b: 2 } }).ok).toBe(false);
    expect(strict({ ...valid, attributes: { a: 'abcd' } }).ok).toBe(false);
    expect(strict({ ...valid, attributes: { a: 'abc' } }).ok).toBe(true);
  });
});

describe('createEventFastPath: accepts exactly what the schema and the key rules accept', () => {
  // The reference: the compiled TypeBox schema plus the validator's own rules, as they were
  // before the fast path existed.
  const referenceAccepts = (limits: EventLimits) => {
    const check = TypeCompiler.Compile(createEventSchema(limits));
    const keyPattern = new RegExp(ATTRIBUTE_KEY_PATTERN);
    return (input: unknown): boolean => {
      const attributes = (input as { attributes?: unknown } | null)?.attributes;
      if (attributes !== null && typeof attributes === 'object' && !Array.isArray(attributes)) {
        const keys = Object.keys(attributes);
        if (keys.length > limits.maxAttributes) return false;
        if (keys.some((key) => FORBIDDEN_ATTRIBUTE_KEYS.has(key) || key.length > limits.maxAttributeKeyLength || !keyPattern.test(key))) return false;
      }
      return check.Check(input) && Number.isFinite(input.value) && parseTimestampMs(input.timestamp) !== null;
    };
  };

  let seed = 0x1b873593;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const pick = <T,>(values: readonly T[]): T => values[Math.floor(random() * values.length)] as T;
  const ODD_VALUES: readonly unknown[] = [
    undefined, null, '', 'x', 'x'.repeat(129), 'x'.repeat(257), 0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, true, false,
    {}, [], [1], new Date(0), new Uint8Array(2), { a: 1 },
  ];
  const FIELDS = {
    id: ['e-1', 'i'.repeat(128), 'i'.repeat(129), ...ODD_VALUES],
    metric: ['checkout.latency', 'a', 'a.b_c.d9', 'Checkout', 'a..b', '.a', 'a.', '9a', 'a-b', 'a.b\n', 'm'.repeat(128), 'm'.repeat(129), ...ODD_VALUES],
    value: [12.5, 0, -3, 1e308, ...ODD_VALUES],
    timestamp: [
      1_795_579_990_456, 1_795_579_990, 946_684_799_999, '2026-11-25T10:00:00Z', '2026-11-25', '2026-11-25T10:00:00.123+01:00',
      'yesterday', `2026-11-25T10:00:00Z${' '.repeat(30)}`, '2026-13-45T99:99:99Z', ...ODD_VALUES,
    ],
    subjectId: ['user-42', 's'.repeat(128), 's'.repeat(129), ...ODD_VALUES],
    attributes: [
      { region: 'eu', retries: 2, cached: false },
      { note: 'n'.repeat(256) }, { note: 'n'.repeat(257) }, { ok: Number.NaN }, { deep: { a: 1 } }, { list: [1] }, { nil: null },
      { 'k.ey-/:_9': 1 }, { '9key': 1 }, { 'key space': 1 }, { 'line\n': 1 }, { ['k'.repeat(64)]: 1 }, { ['k'.repeat(65)]: 1 },
      { constructor: 'x' }, { prototype: 'x' }, JSON.parse('{"__proto__":{"polluted":1}}') as unknown,
      Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`k${i}`, i])), Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, i])),
      Object.defineProperty({ a: 1 }, 'hidden', { value: { nested: true }, enumerable: false }),
      ...ODD_VALUES,
    ],
  } as const;
  const generate = (): unknown => {
    const event: Record<string, unknown> = { id: 'e-1', metric: 'checkout.latency', value: 1, timestamp: 1_795_579_990_456 };
    if (random() < 0.5) event['subjectId'] = 'user-1';
    if (random() < 0.5) event['attributes'] = { region: 'eu' };
    const mutations = Math.floor(random() * 3);
    for (let mutation = 0; mutation < mutations; mutation += 1) {
      const roll = random();
      if (roll < 0.1) event[pick(['extra', 'Id', '__proto__', 'value '])] = 1;
      else if (roll < 0.15) delete event[pick(Object.keys(FIELDS))];
      else if (roll < 0.2) Object.defineProperty(event, 'hidden', { value: 1, enumerable: false });
      else {
        const field = pick(Object.keys(FIELDS) as (keyof typeof FIELDS)[]);
        event[field] = pick(FIELDS[field] as readonly unknown[]);
      }
    }
    if (random() < 0.02) return pick([null, [event], 'event', 42, Object.assign(Object.create({ id: 'inherited' }) as object, event)]);
    return event;
  };

  it.each([
    ['default limits', DEFAULT_EVENT_LIMITS],
    ['strict limits', { ...DEFAULT_EVENT_LIMITS, maxAttributes: 1, maxStringValueLength: 3, maxIdLength: 4, maxAttributeKeyLength: 3 }],
  ])('agrees with the reference on 50,000 generated events (%s)', (_, limits) => {
    const fast = createEventFastPath(limits);
    const reference = referenceAccepts(limits);
    const validator = createEventValidator(limits);
    const disagreements: string[] = [];
    let accepted = 0;
    for (let index = 0; index < 50_000; index += 1) {
      const event = generate();
      const expected = reference(event);
      if (expected) accepted += 1;
      // The fast path may refuse a valid event (the full check then accepts it), never accept an invalid one.
      if ((fast(event) && !expected) || validator(event).ok !== expected) disagreements.push(JSON.stringify(event)?.slice(0, 200) ?? String(event));
    }
    expect(disagreements.slice(0, 5)).toEqual([]);
    expect(accepted).toBeGreaterThan(5_000);
    expect(accepted).toBeLessThan(45_000);
  });

  it('accepts the valid events itself (they never reach the compiled check)', () => {
    const fast = createEventFastPath(DEFAULT_EVENT_LIMITS);
    expect(fast({ ...valid, subjectId: 'user-1', attributes: { region: 'eu', retries: 2, cached: false } })).toBe(true);
    expect(fast({ ...valid, timestamp: 1_795_579_990_456 })).toBe(true);
  });
});

describe('formatJsonPointer', () => {
  it.each([
    ['/events/3/value', 'events[3].value'],
    ['/attributes/a~1b', 'attributes.a/b'],
    ['', ''],
  ])('%s → %s', (pointer, path) => {
    expect(formatJsonPointer(pointer)).toBe(path);
  });
});

describe('createEventValidator with a time window (ingest)', () => {
  const NOW = Date.UTC(2026, 10, 25, 12);
  const HOUR_MS = 60 * 60 * 1_000;
  const windowed = createEventValidator(DEFAULT_EVENT_LIMITS, { maxFutureMs: 24 * HOUR_MS, now: () => NOW });
  const at = (timestamp: string | number) => ({ ...valid, timestamp });
  const reason = 'events[7].timestamp: timestamp_out_of_range (accepted from 2000-01-01T00:00:00Z to 24 h after the pipeline\'s clock)';

  it.each([
    ['the clock itself', NOW],
    ['24 h ahead exactly', NOW + 24 * HOUR_MS],
    ['the first instant of 2000', '2000-01-01T00:00:00Z'],
    ['a year ago, as ISO with an offset', '2025-11-25T13:00:00+01:00'],
  ])('accepts %s', (_, timestamp) => {
    expect(windowed(at(timestamp))).toEqual({ ok: true, event: at(timestamp) });
  });

  it.each([
    ['one millisecond past the window', NOW + 24 * HOUR_MS + 1],
    ['a week ahead, as ISO', '2026-12-02T12:00:00Z'],
    ['year 2199 (inside the 2000–2200 sanity range)', '2199-06-01T00:00:00Z'],
    ['year 1999', '1999-12-31T23:59:59Z'],
    ['epoch seconds (1970)', Math.floor(NOW / 1_000)],
    ['epoch microseconds', NOW * 1_000],
  ])('refuses %s as timestamp_out_of_range, naming the window', (_, timestamp) => {
    expect(windowed(at(timestamp), 'events[7]')).toEqual({ ok: false, reason, code: 'timestamp_out_of_range' });
  });

  it('reads the clock once for events stamped within the last bound it read, not once per event', () => {
    let reads = 0;
    const counting = createEventValidator(DEFAULT_EVENT_LIMITS, { maxFutureMs: HOUR_MS, now: () => (reads++, NOW) });
    for (let index = 0; index < 1_000; index++) expect(counting(at(NOW - index)).ok).toBe(true);
    expect(reads).toBe(1);
    expect(counting(at(NOW + 2 * HOUR_MS)).ok).toBe(false);
    expect(reads).toBeGreaterThan(1);
  });

  it('reads the clock again for an event past the last bound, so a long-lived validator keeps up with time', () => {
    let now = NOW;
    const moving = createEventValidator(DEFAULT_EVENT_LIMITS, { maxFutureMs: HOUR_MS, now: () => now });
    const later = at(NOW + 2 * HOUR_MS);
    expect(moving(later).ok).toBe(false);
    now += HOUR_MS;
    expect(moving(later).ok).toBe(true);
  });
});
