import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash, type Route } from './router';

describe('parseRoute', () => {
  it.each<[string, Route]>([
    ['', { view: 'catalog', params: {} }],
    ['#/', { view: 'catalog', params: {} }],
    ['#/unknown', { view: 'catalog', params: {} }],
    ['#/incidents', { view: 'incidents', params: {} }],
    ['#/series?metric=checkout.latency&range=24h', { view: 'series', params: { metric: 'checkout.latency', range: '24h' } }],
    ['#/series?metric=a%20b', { view: 'series', params: { metric: 'a b' } }],
  ])('%s', (hash, expected) => {
    expect(parseRoute(hash)).toEqual(expected);
  });

  it.each<[Route, string]>([
    [{ view: 'series', params: { metric: 'checkout.latency', groupBy: '' } }, '#/series?metric=checkout.latency'],
    [{ view: 'privacy', params: {} }, '#/privacy'],
  ])('round-trips %o', (route, hash) => {
    expect(routeHash(route.view, route.params)).toBe(hash);
    expect(parseRoute(hash).view).toBe(route.view);
  });
});
