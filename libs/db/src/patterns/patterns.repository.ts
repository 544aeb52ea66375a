import {
  DEFAULT_CORRELATION_MINING,
  DEFAULT_SEGMENT_MINING,
  mineCorrelations,
  mineSegments,
  type BucketSeries,
  type CorrelationMiningOptions,
  type SegmentInput,
  type SegmentMiningOptions,
} from '@telemetry/rollup';
import type { Attributes } from '@telemetry/contracts';
import type { Pool } from 'pg';

/** A row of `patterns`, found for one metric over [rangeFrom, rangeTo). */
export interface Pattern {
  metric: string;
  kind: 'segment' | 'correlation';
  rangeFrom: Date;
  rangeTo: Date;
  /** segment: { attribute, value }; correlation: { metric } (the other metric). */
  subject: Record<string, unknown>;
  strength: number;
  support: number;
  details: Record<string, unknown>;
}

export interface PatternSearch {
  metric: string;
  from: Date;
  to: Date;
  segments?: SegmentMiningOptions;
  correlations?: CorrelationMiningOptions;
}

interface SegmentRow {
  attributes: Attributes;
  count: number;
  sum: number;
}

interface CorrelationRow {
  metric: string;
  bucket_start: Date;
  value: number | null;
}

/** Each series' totals of one metric over the range, from the 1-minute rollups. */
export const loadSegmentInputs = async (pool: Pool, metric: string, from: Date, to: Date): Promise<SegmentInput[]> => {
  const { rows } = await pool.query<SegmentRow>(
    `SELECT attributes, sum(count)::float8 AS count, sum(sum)::float8 AS sum
       FROM rollups_1m
      WHERE metric = $1 AND bucket_start >= $2 AND bucket_start < $3
      GROUP BY attributes`,
    [metric, from, to],
  );
  return rows;
};

/**
 * Every metric's value per 1-minute bucket over the range, all series together: a derived
 * metric's value, a counter's (or event's) total, otherwise the mean. Only metrics that have
 * buckets in the range come back, so the cost follows the data, not the catalog.
 */
export const loadBucketSeries = async (pool: Pool, from: Date, to: Date): Promise<Map<string, BucketSeries>> => {
  const { rows } = await pool.query<CorrelationRow>(
    `SELECT r.metric, r.bucket_start,
            CASE WHEN bool_or(r.value IS NOT NULL) THEN avg(r.value)
                 WHEN max(d.definition->>'type') IN ('counter', 'event') THEN sum(r.sum)
                 ELSE sum(r.sum) / NULLIF(sum(r.count), 0) END::float8 AS value
       FROM rollups_1m r
       LEFT JOIN metric_definitions d ON d.name = r.metric
      WHERE r.bucket_start >= $1 AND r.bucket_start < $2
      GROUP BY r.metric, r.bucket_start`,
    [from, to],
  );
  const series = new Map<string, Map<number, number>>();
  for (const row of rows) {
    if (row.value === null) continue;
    let points = series.get(row.metric);
    if (!points) {
      points = new Map();
      series.set(row.metric, points);
    }
    points.set(row.bucket_start.getTime(), row.value);
  }
  return series;
};

/** Turns loaded rollups into patterns (no I/O): the API and the periodic job share it. */
export const minePatterns = (search: PatternSearch, segmentInputs: readonly SegmentInput[], bucketSeries: ReadonlyMap<string, BucketSeries>): Pattern[] => {
  const range = { metric: search.metric, rangeFrom: search.from, rangeTo: search.to };
  const segments = mineSegments(segmentInputs, search.segments ?? DEFAULT_SEGMENT_MINING).map((found): Pattern => ({
    ...range,
    kind: 'segment',
    subject: found.subject,
    strength: found.strength,
    support: found.support,
    details: found.details,
  }));
  const correlations = mineCorrelations(search.metric, bucketSeries, search.correlations ?? DEFAULT_CORRELATION_MINING).map(
    (found): Pattern => ({
      ...range,
      kind: 'correlation',
      subject: found.subject,
      strength: found.strength,
      support: found.support,
      details: found.details,
    }),
  );
  return [...segments, ...correlations];
};

/**
 * On demand (the API's `patterns` query) or from the processor's periodic job: the segments of
 * `metric` that deviate most from the rest, and the metrics whose rollups correlate most with it,
 * strongest first. Reads rollups_1m only; stores nothing (see savePatterns).
 */
export const findPatterns = async (pool: Pool, search: PatternSearch): Promise<Pattern[]> => {
  const [segmentInputs, bucketSeries] = await Promise.all([
    loadSegmentInputs(pool, search.metric, search.from, search.to),
    loadBucketSeries(pool, search.from, search.to),
  ]);
  return minePatterns(search, segmentInputs, bucketSeries);
};

/**
 * Stores one mining run: the metric's earlier patterns for exactly this range are replaced, so a
 * periodic job re-mining the same window keeps one current answer per (metric, range).
 */
export const savePatterns = async (pool: Pool, metric: string, from: Date, to: Date, patterns: readonly Pattern[]): Promise<void> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`DELETE FROM patterns WHERE metric = $1 AND range_from = $2 AND range_to = $3`, [metric, from, to]);
    if (patterns.length > 0) {
      await client.query(
        `INSERT INTO patterns (metric, kind, range_from, range_to, subject, strength, support, details)
         SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::timestamptz[], $5::jsonb[], $6::float8[], $7::bigint[], $8::jsonb[])`,
        [
          patterns.map((p) => p.metric),
          patterns.map((p) => p.kind),
          patterns.map((p) => p.rangeFrom),
          patterns.map((p) => p.rangeTo),
          patterns.map((p) => JSON.stringify(p.subject)),
          patterns.map((p) => p.strength),
          patterns.map((p) => Math.round(p.support)),
          patterns.map((p) => JSON.stringify(p.details)),
        ],
      );
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
};

interface StoredPatternRow {
  metric: string;
  kind: 'segment' | 'correlation';
  range_from: Date;
  range_to: Date;
  subject: Record<string, unknown>;
  strength: number;
  support: string;
  details: Record<string, unknown>;
}

/** Stored patterns of `metric` whose range overlaps [from, to), strongest first. */
export const loadStoredPatterns = async (pool: Pool, metric: string, from: Date, to: Date): Promise<Pattern[]> => {
  const { rows } = await pool.query<StoredPatternRow>(
    `SELECT metric, kind, range_from, range_to, subject, strength, support, details
       FROM patterns
      WHERE metric = $1 AND range_from < $3 AND range_to > $2
      ORDER BY strength DESC, support DESC`,
    [metric, from, to],
  );
  return rows.map((row) => ({
    metric: row.metric,
    kind: row.kind,
    rangeFrom: row.range_from,
    rangeTo: row.range_to,
    subject: row.subject,
    strength: row.strength,
    support: Number(row.support),
    details: row.details,
  }));
};
