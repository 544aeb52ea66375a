import { aggregatePoints, emptyBucket, encodeSketch, mergeInto, sketchQuantiles, type RollupBucket, type RollupPoint } from '@telemetry/rollup';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './api-harness';

/**
 * The quantiles `series` answers, checked against the raw values they summarise. Rollup rows are
 * built here as the processor builds them (libs/rollup: a DDSketch per 1-minute bucket, the hour's
 * sketch merged from its minutes as the hourly job merges them), then read back over GraphQL.
 */
const METRIC = 'quantiles.latency';
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const VALUES_PER_MINUTE = 200;
const HOUR_START = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const REGIONS = [
  { region: 'eu', scale: 100, seed: 7 },
  { region: 'us', scale: 1_000, seed: 11 },
] as const;
const RELATIVE_ACCURACY = 0.01;
const QUANTILES = [['p50', 0.5], ['p95', 0.95], ['p99', 0.99]] as const;

/** Deterministic heavy-tailed values (an LCG cubed), so every run checks the same data. */
const heavyTailed = (n: number, seed: number, scale: number): number[] => {
  let state = seed;
  return Array.from({ length: n }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return (state / 2_147_483_648) ** 3 * scale + 1;
  });
};

/** The value at rank q·(n−1), the rank DDSketch answers for. */
const trueQuantile = (values: readonly number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))] as number;
};

const relativeError = (got: number, expected: number) => Math.abs(got - expected) / expected;

type Point = { t: string; count: number; p50: number; p95: number; p99: number };
type SeriesData = { series: Array<{ group: Record<string, string>; points: Point[] }> };
const SERIES = `query($from: DateTime!, $to: DateTime!, $step: String, $groupBy: [String!]) {
  series(metric: "${METRIC}", from: $from, to: $to, step: $step, groupBy: $groupBy) { group points { t count p50 p95 p99 } } }`;

let api: ApiHarness;
/** Raw values per region and minute index. */
const raw = new Map<string, number[][]>();

const insertBuckets = async (table: 'rollups_1m' | 'rollups_1h', buckets: readonly RollupBucket[]) => {
  for (const bucket of buckets) {
    const { p50, p95, p99 } = sketchQuantiles(bucket.sketch);
    await api.db.pool.query(
      `INSERT INTO ${table} (metric, series, bucket_start, attributes, count, sum, min, max, sketch, p50, p95, p99)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [bucket.metric, bucket.series, new Date(bucket.bucketStartMs), JSON.stringify(bucket.attributes), bucket.count, bucket.sum, bucket.min, bucket.max,
        Buffer.from(encodeSketch(bucket.sketch!)), p50, p95, p99],
    );
  }
};

beforeAll(async () => {
  api = await startApiHarness();
  for (const { region, scale, seed } of REGIONS) {
    const series = `region=${region}`;
    const minutes = Array.from({ length: 60 }, (_, minute) => heavyTailed(VALUES_PER_MINUTE, seed * 1_000 + minute, scale));
    raw.set(region, minutes);
    const points: RollupPoint[] = minutes.flatMap((values, minute) =>
      values.map((value, index) => ({ metric: METRIC, series, attributes: { region }, timeMs: HOUR_START + minute * MINUTE + index * 100, value })),
    );
    const minuteBuckets = [...aggregatePoints(points, 60).values()];
    await insertBuckets('rollups_1m', minuteBuckets);
    // The hourly job's way: the hour's sketch merged from its 60 minute sketches, not from the raw points.
    const hour = emptyBucket(METRIC, series, HOUR_START, { region });
    for (const minute of minuteBuckets) mergeInto(hour, minute);
    await insertBuckets('rollups_1h', [hour]);
  }
}, 60_000);

afterAll(async () => {
  await api?.close();
});

const query = async (step: string, groupBy: string[] | null) => {
  const response = await api.gql<SeriesData>(SERIES, { from: new Date(HOUR_START).toISOString(), to: new Date(HOUR_START + HOUR).toISOString(), step, groupBy });
  expect(response.errors).toBeUndefined();
  return response.data?.series ?? [];
};

describe('series quantiles against the raw values', () => {
  it('answers every 1-minute p50/p95/p99 of a series within 1% of the true quantile', async () => {
    const series = await query('1m', ['region']);
    expect(series.map((one) => one.group)).toEqual(REGIONS.map(({ region }) => ({ region })));
    for (const one of series) {
      const minutes = raw.get(one.group['region'] as string) ?? [];
      expect(one.points).toHaveLength(60);
      one.points.forEach((point, minute) => {
        expect(point.count).toBe(VALUES_PER_MINUTE);
        for (const [field, q] of QUANTILES) expect(relativeError(point[field], trueQuantile(minutes[minute] ?? [], q))).toBeLessThanOrEqual(RELATIVE_ACCURACY);
      });
    }
  });

  it('answers the hour of a series, its sketch merged from 60 minutes, within 1% of the true quantiles of all its values', async () => {
    const series = await query('1h', ['region']);
    for (const one of series) {
      const values = (raw.get(one.group['region'] as string) ?? []).flat();
      const [point] = one.points;
      expect(point?.count).toBe(values.length);
      for (const [field, q] of QUANTILES) expect(relativeError(point?.[field] ?? Number.NaN, trueQuantile(values, q))).toBeLessThanOrEqual(RELATIVE_ACCURACY);
    }
  });

  it('merges series as documented: p95/p99 an upper bound of the true quantiles, p50 the count-weighted mean of the stored medians', async () => {
    const [all] = await query('1h', null);
    const values = [...raw.values()].flat().flat();
    const [point] = all?.points ?? [];
    expect(point?.count).toBe(values.length);
    for (const [field, q] of QUANTILES.slice(1)) expect(point?.[field]).toBeGreaterThanOrEqual(trueQuantile(values, q) * (1 - RELATIVE_ACCURACY));
    const perRegion = await query('1h', ['region']);
    const medians = perRegion.map((one) => one.points[0] as Point);
    const weighted = medians.reduce((sum, one) => sum + one.p50 * one.count, 0) / medians.reduce((sum, one) => sum + one.count, 0);
    expect(point?.p50).toBeCloseTo(weighted, 9);
  });
});
