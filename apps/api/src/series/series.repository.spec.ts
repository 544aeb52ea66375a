import type { Pool } from 'pg';
import { describe, expect, it } from 'vitest';
import type { SeriesPlan } from './plan-series-query';
import { SeriesRepository } from './series.repository';

const T = Date.UTC(2026, 10, 25, 12);
const planFor = (groupKeys: string[], maxRows = 100): SeriesPlan => ({ stepSeconds: 60, groupKeys, ranges: [], sql: 'SELECT', params: [], maxRows });
/** Rows as the planned SQL returns them: time-major, groups in any order within a bucket. */
const row = (minute: number, groups: Array<string | null>, count = 2) => ({
  t_ms: T + minute * 60_000,
  count,
  sum: count * 10,
  min: 1,
  max: 20,
  p50: 9,
  p95: 18,
  p99: 19,
  ...Object.fromEntries(groups.map((value, index) => [`g${index}`, value])),
});
const repositoryAnswering = (rows: unknown[]) => new SeriesRepository({ query: async () => ({ rows }) } as unknown as Pool);

describe('SeriesRepository.run', () => {
  it('cuts time-major rows into one series per group, ordered by value with a missing key last, points in time order', async () => {
    const rows = [row(0, ['us', 'b']), row(0, [null, 'a']), row(0, ['eu', 'a']), row(1, ['eu', 'a']), row(1, ['us', 'b']), row(1, ['eu', null])];
    const series = await repositoryAnswering(rows).run(planFor(['region', 'tier']));
    expect(series.map((one) => [one.group, one.points.map((point) => point.t.getTime() - T)])).toEqual([
      [{ region: 'eu', tier: 'a' }, [0, 60_000]],
      [{ region: 'eu', tier: null }, [60_000]],
      [{ region: 'us', tier: 'b' }, [0, 60_000]],
      [{ region: null, tier: 'a' }, [0]],
    ]);
    expect(series[0]?.points[0]).toEqual({ t: new Date(T), count: 2, sum: 20, min: 1, max: 20, avg: 10, p50: 9, p95: 18, p99: 19, value: null });
  });

  it('answers one series with an empty group without groupBy, and none for no rows', async () => {
    expect((await repositoryAnswering([row(0, []), row(1, [])]).run(planFor([]))).map((one) => [one.group, one.points.length])).toEqual([[{}, 2]]);
    expect(await repositoryAnswering([]).run(planFor([]))).toEqual([]);
  });

  it('refuses an answer over maxRows as BAD_USER_INPUT', async () => {
    await expect(repositoryAnswering([row(0, []), row(1, []), row(2, [])]).run(planFor([], 2))).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
  });
});
