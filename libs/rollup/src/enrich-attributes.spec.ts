import { describe, expect, it } from 'vitest';
import { enrichAttributes, parseReferenceJoins, type ReferenceLookup } from './enrich-attributes';
import { seriesIdentity } from './series-attributes';

const devices: Record<string, Record<string, string | number>> = {
  d1: { model: 'X200', region: 'eu', firmware: 2 },
  d2: { model: 'Y9' },
};
const lookup: ReferenceLookup = (dataset, key) => (dataset === 'devices' ? devices[key] : undefined);

describe('parseReferenceJoins', () => {
  it.each([
    ['devices:device_id', [{ dataset: 'devices', attribute: 'device_id' }]],
    ['devices:device_id, stores:store.id', [{ dataset: 'devices', attribute: 'device_id' }, { dataset: 'stores', attribute: 'store.id' }]],
    ['', []],
  ])('parses %j', (spec, joins) => {
    expect(parseReferenceJoins(spec)).toEqual(joins);
  });
  it.each(['devices', 'devices:', ':device_id', 'dev ices:x'])('refuses %j', (spec) => {
    expect(() => parseReferenceJoins(spec)).toThrow(/REFDATA_JOIN/);
  });
});

describe('enrichAttributes', () => {
  const joins = [{ dataset: 'devices', attribute: 'device_id' }];
  it.each([
    ['adds the device attributes', { device_id: 'd1' }, { device_id: 'd1', model: 'X200', region: 'eu', firmware: 2 }],
    ['keeps the event value on a clash', { device_id: 'd1', region: 'us' }, { device_id: 'd1', region: 'us', model: 'X200', firmware: 2 }],
    ['leaves unknown keys alone', { device_id: 'd9' }, { device_id: 'd9' }],
    ['leaves events without the attribute alone', { other: 1 }, { other: 1 }],
  ])('%s', (_name, attributes, expected) => {
    expect(enrichAttributes(attributes, joins, lookup)).toEqual(expected);
  });
  it('does not mutate the event attributes', () => {
    const attributes = { device_id: 'd2' };
    enrichAttributes(attributes, joins, lookup);
    expect(attributes).toEqual({ device_id: 'd2' });
  });
});

describe('seriesIdentity', () => {
  it.each([
    [{ region: 'eu', app_version: '2', host: 'h1' }, ['region', 'app_version'], [], 'app_version=2,region=eu'],
    [{ region: 'eu', model: 'X' }, ['region'], ['model'], 'model=X,region=eu'],
    [{ region: 'eu' }, [], [], ''],
    [{ b: 1, a: true }, undefined, [], 'a=true,b=1'],
  ])('%j over %j + %j → %j', (attributes, declared, enrichment, series) => {
    expect(seriesIdentity(attributes, declared, enrichment).series).toBe(series);
  });
});
