import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error';
import { chooseTableRanges, planSeriesQuery, type SeriesRequest } from './plan-series-query';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 10, 25, 12, 30);
const options = { nowMs: NOW, maxPointsPerGroup: 5_000, timeBucketFunction: 'date_bin' as const };
const base: SeriesRequest = { metric: 'checkout.latency', fromMs: NOW - 24 * HOUR, toMs: NOW, step: '1m' };

const codeOf = (run: () => unknown): string | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error instanceof ApiError ? error.code : 'not an ApiError';
  }
};

describe('chooseTableRanges', () => {
  const hourStart = Math.floor(NOW / HOUR) * HOUR;
  it.each([
    ['a minute step reads rollups_1m', NOW - 30 * 24 * HOUR, NOW, 300, [{ table: 'rollups_1m', fromMs: NOW - 30 * 24 * HOUR, toMs: NOW }]],
    ['an hour step over ended hours reads rollups_1h', NOW - 48 * HOUR, hourStart - HOUR, 3_600, [{ table: 'rollups_1h', fromMs: NOW - 48 * HOUR, toMs: hourStart - HOUR }]],
    ['an hour step up to now reads the hour in progress from rollups_1m', hourStart - 24 * HOUR, NOW, 3_600, [
      { table: 'rollups_1h', fromMs: hourStart - 24 * HOUR, toMs: hourStart },
      { table: 'rollups_1m', fromMs: hourStart, toMs: NOW },
    ]],
    ['a day step inside the current hour reads rollups_1m only', hourStart + 60_000, NOW, 86_400, [{ table: 'rollups_1m', fromMs: hourStart + 60_000, toMs: NOW }]],
  ])('%s', (_name, fromMs, toMs, stepSeconds, expected) => {
    expect(chooseTableRanges(fromMs, toMs, stepSeconds, NOW)).toEqual(expected);
  });
});

describe('planSeriesQuery', () => {
  it('binds the metric, the range, the step and every group key and filter value as parameters', () => {
    const plan = planSeriesQuery(
      { ...base, groupBy: ['region'], where: [{ key: 'app_version', op: 'EQ', value: "2.3'; DROP TABLE rollups_1m; --" }] },
      options,
    );
    expect(plan.params).toContain('checkout.latency');
    expect(plan.params).toContain("2.3'; DROP TABLE rollups_1m; --");
    expect(plan.params).toContain('region');
    expect(plan.sql).not.toContain('DROP');
    expect(plan.sql).not.toContain('checkout.latency');
    expect(plan.sql).not.toContain('date_bin(');
    expect(plan.groupKeys).toEqual(['region']);
    expect(plan.stepSeconds).toBe(60);
  });

  it.each([
    ['date_bin', 'date_bin('],
    ['time_bucket', 'time_bucket('],
  ] as const)('bins coarser steps with %s', (timeBucketFunction, fragment) => {
    expect(planSeriesQuery({ ...base, step: '5m' }, { ...options, timeBucketFunction }).sql).toContain(fragment);
  });

  it.each([
    ['1m over rollups_1m', { step: '1m' }],
    ['1h over ended hours of rollups_1h', { step: '1h', fromMs: NOW - 48 * HOUR, toMs: NOW - 2 * HOUR }],
  ])('reads bucket_start as it is for %s', (_name, change) => {
    const sql = planSeriesQuery({ ...base, ...change }, options).sql;
    expect(sql).not.toContain('date_bin(');
    expect(sql).toContain('SELECT bucket_start AS bucket,');
  });

  it.each([
    ['EQ', 'eu', 'attributes ->> $2 = $3'],
    ['NEQ', 'eu', 'IS DISTINCT FROM'],
    ['IN', 'eu,us', '= ANY($3::text[])'],
    ['PREFIX', '2.%', 'left(attributes ->> $2, length($3::text)) = $4::text'],
  ] as const)('writes %s as a parameterized condition', (op, value, fragment) => {
    const plan = planSeriesQuery({ ...base, where: [{ key: 'region', op, value }] }, options);
    expect(plan.sql).toContain(fragment);
    expect(plan.sql).not.toContain(value);
  });

  it.each([
    ['1m', null, null],
    ['5m', ['region', 'app_version'], [{ key: 'region', op: 'PREFIX' as const, value: 'e' }]],
    ['1h', ['region'], [{ key: 'region', op: 'IN' as const, value: 'eu,us' }, { key: 'host', op: 'NEQ' as const, value: 'h1' }]],
    ['1d', null, [{ key: 'region', op: 'EQ' as const, value: 'eu' }]],
  ])('binds exactly as many parameters as the SQL uses (step %s)', (step, groupBy, where) => {
    const plan = planSeriesQuery({ ...base, fromMs: NOW - 3 * 24 * HOUR, step, groupBy, where }, options);
    const used = new Set([...plan.sql.matchAll(/\$(\d+)/g)].map((match) => Number(match[1])));
    expect([...used].sort((a, b) => a - b)).toEqual(plan.params.map((_, index) => index + 1));
  });

  it('splits IN values on commas into a text array parameter', () => {
    const plan = planSeriesQuery({ ...base, where: [{ key: 'region', op: 'IN', value: 'eu, us ,ap' }] }, options);
    expect(plan.params).toContainEqual(['eu', 'us', 'ap']);
  });

  it('picks a step from the range when none is given', () => {
    expect(planSeriesQuery({ ...base, step: null, fromMs: NOW - 30 * 24 * HOUR }, options).stepSeconds).toBe(3_600);
  });

  it.each([
    ['a quote in a group key', { groupBy: ["region'"] }],
    ['a semicolon in a group key', { groupBy: ['region;drop'] }],
    ['a JSON path as a group key', { groupBy: ['{region,0}'] }],
    ['an arrow operator as a group key', { groupBy: ['a->>b'] }],
    ['a space in a group key', { groupBy: ['region name'] }],
    ['__proto__ as a group key', { groupBy: ['__proto__'] }],
    ['an empty group key', { groupBy: [''] }],
    ['a 65-character group key', { groupBy: ['k'.repeat(65)] }],
    ['a repeated group key', { groupBy: ['region', 'region'] }],
    ['nine group keys', { groupBy: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] }],
    ['a quote in a filter key', { where: [{ key: "x' OR '1'='1", op: 'EQ' as const, value: 'a' }] }],
    ['a JSON path in a filter key', { where: [{ key: '$.region', op: 'EQ' as const, value: 'a' }] }],
    ['101 IN values', { where: [{ key: 'region', op: 'IN' as const, value: Array.from({ length: 101 }, (_, i) => `v${i}`).join(',') }] }],
    ['a 257-character EQ value', { where: [{ key: 'region', op: 'EQ' as const, value: 'v'.repeat(257) }] }],
    ['17 filters', { where: Array.from({ length: 17 }, () => ({ key: 'region', op: 'EQ' as const, value: 'a' })) }],
    ['to before from', { fromMs: NOW, toMs: NOW - HOUR }],
    ['an empty range', { fromMs: NOW, toMs: NOW }],
    ['an invalid instant', { fromMs: Number.NaN }],
    ['a bad step', { step: '1 hour' }],
    ['too many points', { step: '1m', fromMs: NOW - 30 * 24 * HOUR }],
  ])('refuses %s with BAD_USER_INPUT', (_name, change) => {
    expect(codeOf(() => planSeriesQuery({ ...base, ...change }, options))).toBe('BAD_USER_INPUT');
  });

  it.each([['region'], ['app_version'], ['k8s.pod/name'], ['http:method'], ['_private'], ['service-name']])('accepts the attribute key %s', (key) => {
    expect(planSeriesQuery({ ...base, groupBy: [key], where: [{ key, op: 'EQ', value: 'x' }] }, options).groupKeys).toEqual([key]);
  });
});
