import { buildCatalog, diffCatalogs, CatalogValidationError, type CatalogIssue } from '@telemetry/catalog';
import { TelemetryError, type MetricDefinition } from '@telemetry/contracts';
import type { BatchProducer } from '@telemetry/kafka';
import type { Pool, PoolClient } from 'pg';
import { recordAudit } from '../audit/record-audit';
import { withTransaction } from '../audit/with-transaction';
import { METRIC_COLUMNS, loadStoredMetrics, toStoredMetric, type MetricRow, type StoredMetric } from './metric-catalog-store';

/** What a catalog change needs: the database, and the producer and topic that carry catalog.v1. */
export interface CatalogAdminDeps {
  readonly pool: Pool;
  readonly producer: Pick<BatchProducer, 'send'>;
  readonly catalogTopic: string;
  readonly now?: () => Date;
}

export class MetricNotFoundError extends TelemetryError<'metric_not_found'> {
  constructor(readonly metric: string) {
    super('metric_not_found', `metric ${JSON.stringify(metric)} is not defined`, false);
  }
}

/** One writer at a time: each change validates against the catalog as the previous change left it. */
const lockCatalog = (client: PoolClient) => client.query(`SELECT pg_advisory_xact_lock(hashtext('telemetry.metric_catalog'))`);

const issueKey = (issue: CatalogIssue) => `${issue.metric ?? ''}\u0000${issue.field ?? ''}\u0000${issue.message}`;

/**
 * The problems a change introduces: the catalog after it, minus what was already wrong before it
 * (an old metric that would no longer validate must not block an unrelated change).
 */
const newIssues = (before: readonly MetricDefinition[], after: readonly MetricDefinition[], now: Date): CatalogIssue[] => {
  const result = buildCatalog(after, { now });
  if (result.ok) return [];
  const known = buildCatalog(before, { now });
  const existing = new Set(known.ok ? [] : known.issues.map(issueKey));
  return result.issues.filter((issue) => !existing.has(issueKey(issue)));
};

const active = (stored: readonly StoredMetric[]) => stored.filter((metric) => metric.retiredAt === null).map((metric) => metric.definition);

/** catalog.v1: key = metric name, value = the definition, or null (a tombstone) once retired. */
const publish = (deps: CatalogAdminDeps, name: string, definition: MetricDefinition | null) =>
  deps.producer.send([{ topic: deps.catalogTopic, messages: [{ key: name, value: definition === null ? null : JSON.stringify(definition) }] }]);

/**
 * Defines or redefines one metric, as `catalog:apply` does for a file: validates it with the rest of
 * the active catalog (libs/catalog), upserts metric_definitions, publishes it on catalog.v1 and
 * writes audit_log, in one transaction. The publish happens before COMMIT, so a row is never
 * committed without its catalog.v1 record; a failed COMMIT after a publish is healed by retrying.
 */
export const applyMetricDefinition = async (deps: CatalogAdminDeps, definition: MetricDefinition, actor: string): Promise<StoredMetric> => {
  const now = deps.now?.() ?? new Date();
  return withTransaction(deps.pool, async (client) => {
    await lockCatalog(client);
    const stored = await loadStoredMetrics(client);
    const others = active(stored).filter((metric) => metric.name !== definition.name);
    const previous = stored.find((metric) => metric.definition.name === definition.name);
    const before = previous && previous.retiredAt === null ? [...others, previous.definition] : others;
    const issues = newIssues(before, [...others, definition], now);
    if (issues.length > 0) throw new CatalogValidationError(issues, 'defineMetric');

    const validated = buildCatalog([...others, definition], { now });
    const normalized = validated.ok ? (validated.catalog.metrics.get(definition.name)?.definition ?? definition) : definition;
    const diff = diffCatalogs(before, [...others, normalized]);
    const changedFields = diff.changed.find((change) => change.name === definition.name)?.fields ?? [];

    const { rows } = await client.query<MetricRow>(
      `INSERT INTO metric_definitions (name, definition) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE
         SET definition = EXCLUDED.definition, version = metric_definitions.version + 1, updated_at = now(), retired_at = NULL
       RETURNING ${METRIC_COLUMNS}`,
      [definition.name, JSON.stringify(normalized)],
    );
    await recordAudit(client, {
      actor,
      action: 'metric.define',
      target: definition.name,
      details: { created: previous === undefined, revived: previous?.retiredAt != null, changedFields },
    });
    await publish(deps, definition.name, normalized);
    return toStoredMetric(rows[0] as MetricRow);
  });
};

/**
 * Retires a metric: keeps its row (history, rollups still readable) with retired_at set, publishes
 * a catalog.v1 tombstone so the services stop accepting its events, and writes audit_log. Refused
 * while a derived metric still reads it. Retiring a retired metric changes nothing but is audited.
 */
export const retireMetric = async (deps: CatalogAdminDeps, name: string, actor: string): Promise<StoredMetric> => {
  const now = deps.now?.() ?? new Date();
  return withTransaction(deps.pool, async (client) => {
    await lockCatalog(client);
    const stored = await loadStoredMetrics(client);
    const target = stored.find((metric) => metric.definition.name === name);
    if (target === undefined) throw new MetricNotFoundError(name);
    if (target.retiredAt !== null) {
      await recordAudit(client, { actor, action: 'metric.retire', target: name, details: { alreadyRetired: true } });
      return target;
    }
    const remaining = active(stored).filter((metric) => metric.name !== name);
    const issues = newIssues(active(stored), remaining, now);
    if (issues.length > 0) throw new CatalogValidationError(issues, 'retireMetric');

    const { rows } = await client.query<MetricRow>(
      `UPDATE metric_definitions SET retired_at = now(), version = version + 1, updated_at = now()
       WHERE name = $1 RETURNING ${METRIC_COLUMNS}`,
      [name],
    );
    await recordAudit(client, { actor, action: 'metric.retire', target: name, details: { version: target.version + 1 } });
    await publish(deps, name, null);
    return toStoredMetric(rows[0] as MetricRow);
  });
};
