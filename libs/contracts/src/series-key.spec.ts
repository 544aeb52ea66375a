import { describe, expect, it } from 'vitest';
import { seriesKey } from './series-key';

describe('seriesKey', () => {
  it.each([
    [undefined, undefined, ''],
    [{}, undefined, ''],
    [{ region: 'eu', app_version: '1.2' }, undefined, 'app_version=1.2,region=eu'],
    [{ region: 'eu', host: 'a', app_version: '1.2' }, ['region', 'app_version'], 'app_version=1.2,region=eu'],
    [{ region: 'eu' }, ['region', 'missing'], 'region=eu'],
  ])('%o keyed by %o → %s', (attributes, keys, expected) => {
    expect(seriesKey(attributes, keys)).toBe(expected);
  });
});
