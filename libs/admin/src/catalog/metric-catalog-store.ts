import { Value } from '@sinclair/typebox/value';
import { MetricDefinitionSchema, type MetricDefinition } from '@telemetry/contracts';
import type { Queryable } from '../audit/record-audit';

/** One row of metric_definitions, parsed. */
export interface StoredMetric {
  readonly definition: MetricDefinition;
  readonly version: number;
  readonly updatedAt: Date;
  readonly retiredAt: Date | null;
}

export interface MetricRow {
  name: string;
  definition: unknown;
  version: number;
  updated_at: Date;
  retired_at: Date | null;
}

export const METRIC_COLUMNS = 'name, definition, version, updated_at, retired_at';

/** jsonb is a boundary: a row that is not a MetricDefinition is a broken database, said loudly. */
export const toStoredMetric = (row: MetricRow): StoredMetric => {
  if (!Value.Check(MetricDefinitionSchema, row.definition)) {
    throw new Error(`metric_definitions row ${JSON.stringify(row.name)} does not hold a valid metric definition`);
  }
  return { definition: row.definition, version: row.version, updatedAt: row.updated_at, retiredAt: row.retired_at };
};

/** Every stored metric, retired ones included, by name. */
export const loadStoredMetrics = async (db: Queryable): Promise<StoredMetric[]> => {
  const { rows } = await db.query<MetricRow>(`SELECT ${METRIC_COLUMNS} FROM metric_definitions ORDER BY name`);
  return rows.map(toStoredMetric);
};

export const loadStoredMetricsByName = async (db: Queryable, names: readonly string[]): Promise<StoredMetric[]> => {
  if (names.length === 0) return [];
  const { rows } = await db.query<MetricRow>(`SELECT ${METRIC_COLUMNS} FROM metric_definitions WHERE name = ANY($1::text[])`, [
    names,
  ]);
  return rows.map(toStoredMetric);
};
