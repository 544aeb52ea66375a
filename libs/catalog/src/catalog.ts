import { DEFAULT_EVENT_LIMITS, type EventLimits, type MetricDefinition } from '@telemetry/contracts';
import { orderFormulas, type Formula } from '@telemetry/formula';
import { CatalogValidationError, type CatalogIssue } from './catalog-issue';
import { DEFAULT_MAX_EXPIRY_MONTHS, toEpochMs } from './expiry';
import { rawEntryFromObject, type RawMetricEntry } from './raw-entry';
import { readCatalogYaml } from './read-catalog-yaml';
import { validateMetric, type ValidatedMetric } from './validate-metric';

/** One metric, validated, with what the services decide per event computed once. */
export interface CatalogMetric {
  readonly name: string;
  readonly definition: MetricDefinition;
  /** First instant (epoch ms) at which events for it are rejected as expired; null = never. */
  readonly expiresAtMs: number | null;
  /** The attribute keys kept; every other key is stripped before storage. */
  readonly allowedAttributes: ReadonlySet<string>;
  /** Parsed and compiled, for derived metrics; null for measured ones. */
  readonly formula: Formula | null;
}

export interface Catalog {
  readonly metrics: ReadonlyMap<string, CatalogMetric>;
  /** Derived metrics, each after the derived metrics its formula reads: the order to evaluate a bucket in. */
  readonly derivedOrder: readonly string[];
}

export type CatalogResult =
  | { readonly ok: true; readonly catalog: Catalog; readonly warnings: readonly CatalogIssue[] }
  | { readonly ok: false; readonly issues: readonly CatalogIssue[]; readonly warnings: readonly CatalogIssue[] };

export interface CatalogOptions {
  /** Validation time: `expires` may lie at most `maxExpiryMonths` after this day. */
  readonly now: Date | number;
  /** Default 13, like Glean's metric lifetime. */
  readonly maxExpiryMonths?: number;
  readonly limits?: EventLimits;
}

const formulaIssue = (metric: ValidatedMetric, message: string): CatalogIssue => ({
  metric: metric.definition.name,
  field: 'formula',
  line: metric.entry.fields.get('formula')?.line ?? metric.entry.line,
  message,
});

/** A bare name reads a derived metric's value; an aggregate reads a measured metric's bucket. */
const checkReferences = (
  metric: ValidatedMetric,
  formula: Formula,
  byName: ReadonlyMap<string, ValidatedMetric>,
  definedNames: ReadonlySet<string>,
): CatalogIssue[] => {
  const issues: CatalogIssue[] = [];
  // A name that is defined but invalid has its own issues already; "unknown" would be misleading.
  for (const name of formula.references) {
    if (!definedNames.has(name)) issues.push(formulaIssue(metric, `reads unknown metric ${name}`));
  }
  for (const name of formula.bareReferences) {
    const target = byName.get(name);
    if (target !== undefined && target.definition.type !== 'derived') {
      issues.push(formulaIssue(metric, `reads measured metric ${name} bare; name its aggregate, e.g. avg(${name}) or rate(${name})`));
    }
  }
  for (const name of formula.aggregatedReferences) {
    if (byName.get(name)?.definition.type === 'derived') {
      issues.push(formulaIssue(metric, `aggregates derived metric ${name}; a derived metric has one value per bucket: write ${name}`));
    }
  }
  return issues;
};

/** Reported in file order (a stable sort keeps each metric's issues together). */
const byLine = (issues: readonly CatalogIssue[]): CatalogIssue[] => [...issues].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));

const buildFromEntries = (entries: readonly RawMetricEntry[], options: CatalogOptions, earlier: readonly CatalogIssue[] = []): CatalogResult => {
  const validationOptions = {
    nowMs: toEpochMs(options.now),
    maxExpiryMonths: options.maxExpiryMonths ?? DEFAULT_MAX_EXPIRY_MONTHS,
    limits: options.limits ?? DEFAULT_EVENT_LIMITS,
  };
  const issues: CatalogIssue[] = [...earlier];
  const warnings: CatalogIssue[] = [];
  const byName = new Map<string, ValidatedMetric>();
  const seenNames = new Set<string>();
  for (const entry of entries) {
    if (seenNames.has(entry.name)) {
      issues.push({ metric: entry.name, field: null, line: entry.line, message: 'is defined twice' });
      continue;
    }
    seenNames.add(entry.name);
    const result = validateMetric(entry, validationOptions);
    issues.push(...result.issues);
    warnings.push(...result.warnings);
    if (result.metric) byName.set(entry.name, result.metric);
  }

  const dependencies = new Map<string, readonly string[]>();
  for (const metric of byName.values()) {
    if (metric.formula === null) continue;
    issues.push(...checkReferences(metric, metric.formula, byName, seenNames));
    dependencies.set(metric.definition.name, metric.formula.bareReferences);
  }
  const order = orderFormulas(dependencies);
  if (!order.ok) {
    for (const cycle of order.cycles) {
      const first = byName.get(cycle[0] ?? '');
      if (first) issues.push(formulaIssue(first, `derived metrics read each other in a cycle: ${cycle.join(' → ')}`));
    }
  }
  if (issues.length > 0) return { ok: false, issues: byLine(issues), warnings: byLine(warnings) };

  const metrics = new Map<string, CatalogMetric>();
  for (const [name, metric] of byName) {
    metrics.set(name, {
      name,
      definition: metric.definition,
      expiresAtMs: metric.expiresAtMs,
      allowedAttributes: new Set(metric.definition.attributes),
      formula: metric.formula,
    });
  }
  return { ok: true, catalog: { metrics, derivedOrder: order.order }, warnings: byLine(warnings) };
};

/**
 * Parses and validates a metrics.yaml text. Never throws for bad input: every problem comes back
 * as an issue naming the metric, the field and the line; warnings (an already expired metric)
 * do not make the catalog invalid.
 */
export const parseCatalog = (yamlText: string, options: CatalogOptions): CatalogResult => {
  const read = readCatalogYaml(yamlText);
  if (read.entries.length === 0) return { ok: false, issues: read.issues, warnings: [] };
  return buildFromEntries(read.entries, options, read.issues);
};

/** For a CLI or a boot path that cannot go on with a broken catalog. */
export const parseCatalogOrThrow = (yamlText: string, options: CatalogOptions & { source?: string }): Catalog => {
  const result = parseCatalog(yamlText, options);
  if (!result.ok) throw new CatalogValidationError(result.issues, options.source);
  return result.catalog;
};

/**
 * Validates definitions that did not come from a file: the GraphQL defineMetric input together
 * with the stored catalog, or the definitions read back from the database or catalog.v1. The same
 * rules as the file; issues carry no line.
 */
export const buildCatalog = (definitions: Iterable<MetricDefinition>, options: CatalogOptions): CatalogResult =>
  buildFromEntries([...definitions].map((definition) => rawEntryFromObject(definition.name, definition)), options);

export const findMetric = (catalog: Catalog, name: string): CatalogMetric | undefined => catalog.metrics.get(name);

export const catalogDefinitions = (catalog: Catalog): MetricDefinition[] =>
  [...catalog.metrics.values()].map((metric) => metric.definition);
