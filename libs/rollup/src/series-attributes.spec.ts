import { describe, expect, it } from 'vitest';
import type { Attributes } from '@telemetry/contracts';
import { createSeriesResolver, seriesIdentity } from './series-attributes';

describe('createSeriesResolver', () => {
  const declared = ['region', 'app_version', 'region'];
  const cases: Attributes[] = [
    { region: 'eu', app_version: '1.0', host: 'web-1' },
    { app_version: 2, region: 'us' },
    { region: 'eu', model: 'X200' },
    { host: 'web-2' },
    { region: 'eu', app_version: true, model: 'Y9', firmware: 3 },
  ];

  it('gives what seriesIdentity gives, for declared and undeclared metrics', () => {
    const resolve = createSeriesResolver(['model', 'firmware']);
    for (const attributes of cases) {
      expect(resolve(attributes, declared)).toEqual(seriesIdentity(attributes, declared, ['model', 'firmware']));
      expect(resolve(attributes, undefined)).toEqual(seriesIdentity(attributes, undefined, ['model', 'firmware']));
    }
  });

  it('shares one identity between points of the same series', () => {
    const resolve = createSeriesResolver([]);
    const first = resolve({ region: 'eu', host: 'a' }, declared);
    const second = resolve({ host: 'b', region: 'eu' }, declared);
    expect(second).toBe(first);
    expect(first).toEqual({ series: 'region=eu', attributes: { region: 'eu' } });
  });
});
