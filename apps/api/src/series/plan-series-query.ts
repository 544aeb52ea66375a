import { ATTRIBUTE_KEY_PATTERN, DEFAULT_EVENT_LIMITS, FORBIDDEN_ATTRIBUTE_KEYS } from '@telemetry/contracts';
import { badUserInput } from '../errors/api-error';
import { autoStepSeconds, parseStep } from './parse-step';

export type FilterOperator = 'EQ' | 'NEQ' | 'IN' | 'PREFIX';

export interface AttributeFilterSpec {
  readonly key: string;
  readonly op: FilterOperator;
  readonly value: string;
}

export interface SeriesRequest {
  readonly metric: string;
  readonly fromMs: number;
  readonly toMs: number;
  readonly step?: string | null;
  readonly groupBy?: readonly string[] | null;
  readonly where?: readonly AttributeFilterSpec[] | null;
}

export interface SeriesPlanOptions {
  readonly nowMs: number;
  readonly maxPointsPerGroup: number;
  readonly timeBucketFunction: 'time_bucket' | 'date_bin';
}

/** The parts of one rollup table the query reads: [fromMs, toMs) of rollups_1h or rollups_1m. */
export interface TableRange {
  readonly table: 'rollups_1m' | 'rollups_1h';
  readonly fromMs: number;
  readonly toMs: number;
}

export interface SeriesPlan {
  readonly stepSeconds: number;
  readonly groupKeys: readonly string[];
  readonly ranges: readonly TableRange[];
  readonly sql: string;
  readonly params: readonly unknown[];
  /** The query asks for one row more than this; getting it means the answer would be too large. */
  readonly maxRows: number;
}

export const MAX_GROUP_BY_KEYS = 8;
export const MAX_FILTERS = 16;
export const MAX_IN_VALUES = 100;
export const MAX_FILTER_VALUE_LENGTH = DEFAULT_EVENT_LIMITS.maxStringValueLength;
/** Every point of every group together; bounds the memory one request can take. */
export const MAX_ROWS = 100_000;

const HOUR_MS = 3_600_000;
const TABLE_SECONDS: Readonly<Record<TableRange['table'], number>> = { rollups_1m: 60, rollups_1h: 3_600 };
const attributeKeyPattern = new RegExp(ATTRIBUTE_KEY_PATTERN);

/**
 * Keys reach SQL only as bind parameters (attributes ->> $n reads one top-level key, never a
 * path), so no key can inject anything; they are still held to the event attribute-key rules so a
 * mistyped or hostile key is a clear BAD_USER_INPUT rather than an empty result.
 */
const checkAttributeKey = (key: string, argument: string): void => {
  if (key.length === 0 || key.length > DEFAULT_EVENT_LIMITS.maxAttributeKeyLength || FORBIDDEN_ATTRIBUTE_KEYS.has(key) || !attributeKeyPattern.test(key)) {
    throw badUserInput(`${argument}: ${JSON.stringify(key.slice(0, 80))} is not an attribute key (${ATTRIBUTE_KEY_PATTERN}, at most ${DEFAULT_EVENT_LIMITS.maxAttributeKeyLength} characters)`, {
      argument,
    });
  }
};

const checkRequest = (request: SeriesRequest): { groupKeys: string[]; filters: AttributeFilterSpec[] } => {
  if (!Number.isFinite(request.fromMs) || !Number.isFinite(request.toMs)) throw badUserInput('from and to must be valid instants', { argument: 'from' });
  if (request.toMs <= request.fromMs) throw badUserInput('to must be after from', { argument: 'to' });
  const groupKeys = [...(request.groupBy ?? [])];
  if (groupKeys.length > MAX_GROUP_BY_KEYS) throw badUserInput(`groupBy takes at most ${MAX_GROUP_BY_KEYS} keys`, { argument: 'groupBy' });
  groupKeys.forEach((key) => checkAttributeKey(key, 'groupBy'));
  if (new Set(groupKeys).size !== groupKeys.length) throw badUserInput('groupBy lists a key twice', { argument: 'groupBy' });
  const filters = [...(request.where ?? [])];
  if (filters.length > MAX_FILTERS) throw badUserInput(`where takes at most ${MAX_FILTERS} filters`, { argument: 'where' });
  for (const filter of filters) {
    checkAttributeKey(filter.key, 'where');
    if (filter.value.length > (filter.op === 'IN' ? MAX_FILTER_VALUE_LENGTH * MAX_IN_VALUES : MAX_FILTER_VALUE_LENGTH)) {
      throw badUserInput(`where: the value for ${filter.key} is too long`, { argument: 'where' });
    }
    if (filter.op === 'IN' && filter.value.split(',').length > MAX_IN_VALUES) {
      throw badUserInput(`where: IN takes at most ${MAX_IN_VALUES} values`, { argument: 'where' });
    }
  }
  return { groupKeys, filters };
};

/**
 * Hour-multiple steps read rollups_1h for whole hours that have ended, and rollups_1m for the hour
 * in progress (the processor's hourly job has not rolled it up yet). Every other step reads rollups_1m.
 */
export const chooseTableRanges = (fromMs: number, toMs: number, stepSeconds: number, nowMs: number): TableRange[] => {
  if (stepSeconds % 3_600 !== 0) return [{ table: 'rollups_1m', fromMs, toMs }];
  const currentHourMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS;
  if (toMs <= currentHourMs) return [{ table: 'rollups_1h', fromMs, toMs }];
  if (fromMs >= currentHourMs) return [{ table: 'rollups_1m', fromMs, toMs }];
  return [
    { table: 'rollups_1h', fromMs, toMs: currentHourMs },
    { table: 'rollups_1m', fromMs: currentHourMs, toMs },
  ];
};

class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

const filterSql = (filter: AttributeFilterSpec, params: Params): string => {
  const key = params.add(filter.key);
  switch (filter.op) {
    case 'EQ':
      return `attributes ->> ${key} = ${params.add(filter.value)}`;
    case 'NEQ':
      // A series without the key is "not equal" too.
      return `attributes ->> ${key} IS DISTINCT FROM ${params.add(filter.value)}`;
    case 'IN':
      return `attributes ->> ${key} = ANY(${params.add(filter.value.split(',').map((item) => item.trim()))}::text[])`;
    case 'PREFIX':
      // left()/length(), not LIKE: % and _ in the value are literal characters, not wildcards.
      return `left(attributes ->> ${key}, length(${params.add(filter.value)}::text)) = ${params.add(filter.value)}::text`;
  }
};

/**
 * Plans one `series` query: checks every argument, picks the step and the rollup tables, and
 * writes SQL in which every value from the caller is a bind parameter. Quantiles of merged buckets
 * are approximations (documented in the schema): p50 is the count-weighted mean of the stored
 * medians; p95 and p99 are the largest stored value, an upper bound that never hides a slow tail.
 */
export const planSeriesQuery = (request: SeriesRequest, options: SeriesPlanOptions): SeriesPlan => {
  const { groupKeys, filters } = checkRequest(request);
  const rangeSeconds = (request.toMs - request.fromMs) / 1_000;
  const stepSeconds = request.step ? parseStep(request.step) : autoStepSeconds(rangeSeconds, Math.min(options.maxPointsPerGroup, 1_440));
  const points = Math.ceil(rangeSeconds / stepSeconds);
  if (points > options.maxPointsPerGroup) {
    throw badUserInput(`${points} points per series is more than ${options.maxPointsPerGroup}: raise step or narrow the range`, {
      argument: 'step',
      points,
      maxPoints: options.maxPointsPerGroup,
    });
  }

  const params = new Params();
  const metric = params.add(request.metric);
  const where = filters.map((filter) => filterSql(filter, params));
  const groupKeyParams = groupKeys.map((key) => params.add(key));
  const ranges = chooseTableRanges(request.fromMs, request.toMs, stepSeconds, options.nowMs);
  let stepParam: string | undefined;
  const bucketOf = (range: TableRange): string => {
    // At the table's own granularity bucket_start already is the bucket: no per-row binning, and the
    // (metric, bucket_start) index hands rows over in bucket order, so they aggregate as they stream.
    if (TABLE_SECONDS[range.table] === stepSeconds) return 'bucket_start';
    stepParam ??= params.add(`${stepSeconds} seconds`);
    return `${options.timeBucketFunction}(${stepParam}::interval, bucket_start, TIMESTAMPTZ '1970-01-01 00:00:00+00')`;
  };
  const groupColumns = groupKeyParams.map((key, index) => `attributes ->> ${key} AS g${index}`);
  const groupNames = groupKeys.map((_, index) => `g${index}`);
  const sources = ranges.map((range) => {
    const conditions = [
      `metric = ${metric}`,
      `bucket_start >= ${params.add(new Date(range.fromMs).toISOString())}::timestamptz`,
      `bucket_start < ${params.add(new Date(range.toMs).toISOString())}::timestamptz`,
      ...where,
    ];
    const columns = [`${bucketOf(range)} AS bucket`, ...groupColumns, 'count', 'sum', 'min', 'max', 'p50', 'p95', 'p99'];
    return `SELECT ${columns.join(', ')} FROM ${range.table} WHERE ${conditions.join(' AND ')}`;
  });
  // count::float8 before sum(): sum(bigint) is a numeric sum, several times slower, and counts stay exact below 2^53.
  // Time-major order: the rows come off the index sorted by bucket already, so ordering by group
  // first would sort every row again by text; the repository cuts groups out of this order instead.
  const sql = `
    SELECT ${["date_part('epoch', bucket) * 1000 AS t_ms", ...groupNames].join(', ')},
           sum(count::float8) AS count, sum(sum) AS sum, min(min) AS min, max(max) AS max,
           sum(p50 * count) / NULLIF(sum(count::float8) FILTER (WHERE p50 IS NOT NULL), 0) AS p50,
           max(p95) AS p95, max(p99) AS p99
    FROM (${sources.join(' UNION ALL ')}) AS buckets
    GROUP BY ${['bucket', ...groupNames].join(', ')}
    ORDER BY ${['bucket', ...groupNames].join(', ')}
    LIMIT ${MAX_ROWS + 1}`;
  return { stepSeconds, groupKeys, ranges, sql, params: params.values, maxRows: MAX_ROWS };
};
