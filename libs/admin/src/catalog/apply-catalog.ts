import { catalogDefinitions, diffCatalogs, type Catalog, type ChangedMetric } from '@telemetry/catalog';
import { TelemetryError, type MetricDefinition } from '@telemetry/contracts';
import type { PoolClient } from 'pg';
import type { Queryable } from '../audit/record-audit';
import { withTransaction } from '../audit/with-transaction';
import type { CatalogAdminDeps } from './apply-metric-definition';
import { METRIC_COLUMNS, loadStoredMetrics, toStoredMetric, type MetricRow, type StoredMetric } from './metric-catalog-store';

/**
 * What applying a whole catalog file changes, against the active stored catalog. A file is the
 * whole catalog: an active metric it no longer names is `removed` (retired). Retired rows are not
 * part of the comparison; a file that names one again brings it back as `added` (and `revived`).
 */
export interface CatalogPlan {
  readonly added: readonly MetricDefinition[];
  readonly changed: readonly ChangedMetric[];
  readonly removed: readonly MetricDefinition[];
  readonly unchanged: readonly string[];
  /** Names in `added` whose row exists, retired: the upsert clears retired_at. */
  readonly revived: readonly string[];
}

export interface CatalogApplyOptions {
  /** Who: "cli:<user>" for the CLI (audit_log.actor). */
  readonly actor: string;
  /** Where the catalog came from (a file path), recorded in the audit details. */
  readonly source: string;
  /**
   * The plan the operator saw and confirmed. When the stored catalog changed in between (another
   * apply, a GraphQL defineMetric), the apply is refused rather than doing something unreviewed.
   */
  readonly expectedPlan?: CatalogPlan;
}

export interface CatalogApplyResult {
  readonly plan: CatalogPlan;
  /** Records written to catalog.v1: one per added or changed definition, one tombstone per removal. */
  readonly publishedCount: number;
  /** The stored version of every metric written (added, changed, removed). */
  readonly versions: ReadonlyMap<string, number>;
}

export class CatalogChangedConcurrentlyError extends TelemetryError<'catalog_changed_concurrently'> {
  constructor() {
    super('catalog_changed_concurrently', 'the stored catalog changed after the diff was shown; nothing was applied, run catalog:apply again', true);
  }
}

/**
 * The same transaction-scoped advisory lock as applyMetricDefinition/retireMetric (the key must
 * stay 'telemetry.metric_catalog'), so a file apply and a GraphQL change never interleave.
 */
const lockCatalog = (client: PoolClient) => client.query(`SELECT pg_advisory_xact_lock(hashtext('telemetry.metric_catalog'))`);

/** Pure: the plan that turns the stored rows into `catalog`. */
export const planCatalog = (stored: readonly StoredMetric[], catalog: Catalog): CatalogPlan => {
  const active = stored.filter((metric) => metric.retiredAt === null).map((metric) => metric.definition);
  const retired = new Set(stored.filter((metric) => metric.retiredAt !== null).map((metric) => metric.definition.name));
  const diff = diffCatalogs(active, catalogDefinitions(catalog));
  return {
    added: diff.added,
    changed: diff.changed,
    removed: diff.removed,
    unchanged: diff.unchanged,
    revived: diff.added.filter((definition) => retired.has(definition.name)).map((definition) => definition.name),
  };
};

export const planHasChanges = (plan: CatalogPlan): boolean => plan.added.length + plan.changed.length + plan.removed.length > 0;

/** The plan against what is stored now; read-only (what --dry-run shows). */
export const loadCatalogPlan = async (db: Queryable, catalog: Catalog): Promise<CatalogPlan> => planCatalog(await loadStoredMetrics(db), catalog);

/** Two plans do the same writes: same names in each list, same changed fields and values. */
const samePlan = (a: CatalogPlan, b: CatalogPlan): boolean => {
  const signature = (plan: CatalogPlan) =>
    JSON.stringify([
      plan.added,
      plan.changed.map((change) => [change.name, change.fields, change.before, change.after]),
      plan.removed.map((definition) => definition.name),
      plan.revived,
    ]);
  return signature(a) === signature(b);
};

const upsertDefinitions = async (client: PoolClient, definitions: readonly MetricDefinition[]): Promise<StoredMetric[]> => {
  if (definitions.length === 0) return [];
  const { rows } = await client.query<MetricRow>(
    `INSERT INTO metric_definitions (name, definition)
     SELECT * FROM unnest($1::text[], $2::jsonb[])
     ON CONFLICT (name) DO UPDATE
       SET definition = EXCLUDED.definition, version = metric_definitions.version + 1, updated_at = now(), retired_at = NULL
     RETURNING ${METRIC_COLUMNS}`,
    [definitions.map((definition) => definition.name), definitions.map((definition) => JSON.stringify(definition))],
  );
  return rows.map(toStoredMetric);
};

/**
 * Removal retires (retired_at = now()), it does not delete: data_points and rollups keep naming
 * the metric, the API can still show its history, and re-adding it continues its version count.
 */
const retireDefinitions = async (client: PoolClient, names: readonly string[]): Promise<StoredMetric[]> => {
  if (names.length === 0) return [];
  const { rows } = await client.query<MetricRow>(
    `UPDATE metric_definitions SET retired_at = now(), version = version + 1, updated_at = now()
     WHERE name = ANY($1::text[]) AND retired_at IS NULL
     RETURNING ${METRIC_COLUMNS}`,
    [names],
  );
  return rows.map(toStoredMetric);
};

interface AuditRow {
  readonly action: 'metric.define' | 'metric.retire';
  readonly target: string;
  readonly details: Record<string, unknown>;
}

/** One audit_log row per metric written (the same actions as the GraphQL mutations), in one INSERT. */
const recordAuditRows = async (client: PoolClient, actor: string, rows: readonly AuditRow[]): Promise<void> => {
  if (rows.length === 0) return;
  await client.query(
    `INSERT INTO audit_log (actor, action, target, details)
     SELECT $1, action, target, details FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS t(action, target, details)`,
    [actor, rows.map((row) => row.action), rows.map((row) => row.target), rows.map((row) => JSON.stringify(row.details))],
  );
};

const auditRows = (plan: CatalogPlan, versions: ReadonlyMap<string, number>, source: string): AuditRow[] => {
  const revived = new Set(plan.revived);
  const base = (name: string) => ({ via: 'catalog:apply', source, version: versions.get(name) ?? null });
  return [
    ...plan.added.map((definition): AuditRow => ({
      action: 'metric.define',
      target: definition.name,
      details: { ...base(definition.name), created: !revived.has(definition.name), revived: revived.has(definition.name), changedFields: [] },
    })),
    ...plan.changed.map((change): AuditRow => ({
      action: 'metric.define',
      target: change.name,
      details: { ...base(change.name), created: false, revived: false, changedFields: change.fields },
    })),
    ...plan.removed.map((definition): AuditRow => ({ action: 'metric.retire', target: definition.name, details: base(definition.name) })),
  ];
};

/**
 * Applies a validated catalog (parseCatalog of a metrics.yaml) as a whole, in one transaction:
 * upserts added and changed definitions (version + 1), retires removed ones, writes audit_log,
 * and publishes exactly those changes to catalog.v1 (key = name, value = definition JSON, or a
 * tombstone) in one acks=all batch. Unchanged metrics are neither written nor republished, so
 * applying the same file twice publishes nothing.
 *
 * Like applyMetricDefinition, the publish happens before COMMIT: a committed row always has its
 * catalog.v1 record. If COMMIT fails after the publish, the rows still differ from the file, so
 * running the apply again republishes and commits (consumers see the same definition twice).
 */
export const applyCatalog = async (deps: CatalogAdminDeps, catalog: Catalog, options: CatalogApplyOptions): Promise<CatalogApplyResult> =>
  withTransaction(deps.pool, async (client) => {
    await lockCatalog(client);
    const plan = planCatalog(await loadStoredMetrics(client), catalog);
    if (options.expectedPlan !== undefined && !samePlan(plan, options.expectedPlan)) throw new CatalogChangedConcurrentlyError();
    if (!planHasChanges(plan)) return { plan, publishedCount: 0, versions: new Map() };

    const written = [
      ...(await upsertDefinitions(client, [...plan.added, ...plan.changed.map((change) => change.after)])),
      ...(await retireDefinitions(client, plan.removed.map((definition) => definition.name))),
    ];
    const versions = new Map(written.map((metric) => [metric.definition.name, metric.version]));
    await recordAuditRows(client, options.actor, auditRows(plan, versions, options.source));

    const messages = [
      ...plan.added.map((definition) => ({ key: definition.name, value: JSON.stringify(definition) })),
      ...plan.changed.map((change) => ({ key: change.name, value: JSON.stringify(change.after) })),
      ...plan.removed.map((definition) => ({ key: definition.name, value: null })),
    ];
    await deps.producer.send([{ topic: deps.catalogTopic, messages }]);
    return { plan, publishedCount: messages.length, versions };
  });
