import { describe, expect, it } from 'vitest';
import { DEFAULT_EVENT_LIMITS } from './limits';
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
    ['a timestamp in seconds', { ...valid, timestamp: 1_795_579_990 }, 'events[3].timestamp: must be ISO-8601 or epoch milliseconds'],
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

describe('formatJsonPointer', () => {
  it.each([
    ['/events/3/value', 'events[3].value'],
    ['/attributes/a~1b', 'attributes.a/b'],
    ['', ''],
  ])('%s → %s', (pointer, path) => {
    expect(formatJsonPointer(pointer)).toBe(path);
  });
});
