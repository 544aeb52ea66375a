import { parseCalendarDate, type CatalogMetric } from '@telemetry/catalog';
import type { MetricDefinition } from '@telemetry/contracts';

const DAY_MS = 24 * 60 * 60 * 1_000;

/**
 * The CatalogMetric libs/catalog's decisions take, for one definition as it arrives on catalog.v1
 * (already validated by whoever applied the catalog). libs/catalog builds CatalogMetrics only for
 * a whole catalog (formulas and cross-references checked), which the filter does not need per event.
 * An `expires` that is not a date fails closed: the metric counts as expired.
 */
export const catalogMetricFromDefinition = (definition: MetricDefinition): CatalogMetric => {
  const expires = definition.expires;
  let expiresAtMs: number | null = null;
  if (expires !== undefined && expires !== 'never') {
    const dayMs = parseCalendarDate(expires);
    expiresAtMs = dayMs === null ? 0 : dayMs + DAY_MS;
  }
  return {
    name: definition.name,
    definition,
    expiresAtMs,
    allowedAttributes: new Set(definition.attributes),
    formula: null,
  };
};

/**
 * Looks metrics up in a live catalog view (get(name) → definition). The CatalogMetric is built once
 * per definition object: the view hands out the same object until the metric changes. The built
 * metrics are kept by name (a Map lookup costs a fraction of a WeakMap's on this per-event path),
 * and a name the view no longer has is forgotten, so the memory follows the catalog.
 */
export const createCatalogLookup = (
  get: (name: string) => MetricDefinition | undefined,
): ((name: string) => CatalogMetric | undefined) => {
  const built = new Map<string, CatalogMetric>();
  return (name) => {
    const definition = get(name);
    if (definition === undefined) {
      built.delete(name);
      return undefined;
    }
    let metric = built.get(name);
    if (metric === undefined || metric.definition !== definition) {
      metric = catalogMetricFromDefinition(definition);
      built.set(name, metric);
    }
    return metric;
  };
};
