import type { Attributes, MetricDefinition } from '@telemetry/contracts';
import type { Catalog, CatalogMetric } from './catalog';
import { DAY_MS, startOfUtcDay, toEpochMs } from './expiry';
import { PURPOSE_NONE } from './validate-metric';

/**
 * The per-event decisions the services take from the catalog. Each is a small pure function over a
 * CatalogMetric (looked up once per event with `findMetric`), cheap enough for the hot path.
 */

/** True from the first instant after the `expires` day (UTC) on; never for "never". */
export const hasExpired = (metric: CatalogMetric, at: Date | number): boolean =>
  metric.expiresAtMs !== null && toEpochMs(at) >= metric.expiresAtMs;

export const isAttributeAllowed = (metric: CatalogMetric, key: string): boolean => metric.allowedAttributes.has(key);

/**
 * The attributes the catalog allows for this metric, and the keys stripped. Returns the input
 * object itself when nothing is stripped (the common case), so the hot path allocates nothing.
 */
export const pickAllowedAttributes = (
  metric: CatalogMetric,
  attributes: Attributes | undefined,
): { attributes: Attributes; strippedKeys: string[] } => {
  if (attributes === undefined) return { attributes: {}, strippedKeys: [] };
  const keys = Object.keys(attributes);
  if (keys.every((key) => metric.allowedAttributes.has(key))) return { attributes, strippedKeys: [] };
  const kept: Attributes = {};
  const strippedKeys: string[] = [];
  for (const key of keys) {
    // allowedAttributes never holds __proto__/constructor (validation refuses them), so this assignment is safe.
    if (metric.allowedAttributes.has(key)) kept[key] = attributes[key] as Attributes[string];
    else strippedKeys.push(key);
  }
  return { attributes: kept, strippedKeys };
};

/** The consent purpose the subject must have granted, or null for machine telemetry (purpose none). */
export const requiredPurpose = (metric: CatalogMetric): string | null => {
  const purpose = metric.definition.purpose;
  return purpose === undefined || purpose === PURPOSE_NONE ? null : purpose;
};

export type AlertRule = NonNullable<MetricDefinition['alert']>;
export type AlertBreach = { readonly bound: 'above' | 'below'; readonly threshold: number };

export const alertRule = (metric: CatalogMetric): AlertRule | null => metric.definition.alert ?? null;

/** Whether a value breaks the metric's static rule: strictly above `above` or strictly below `below`. */
export const checkAlert = (metric: CatalogMetric, value: number): AlertBreach | null => {
  const rule = metric.definition.alert;
  if (rule === undefined || !Number.isFinite(value)) return null;
  if (rule.above !== undefined && value > rule.above) return { bound: 'above', threshold: rule.above };
  if (rule.below !== undefined && value < rule.below) return { bound: 'below', threshold: rule.below };
  return null;
};

/** Events per day the metric may cost, or null when it has no budget. */
export const dailyBudget = (metric: CatalogMetric): number | null => metric.definition.budget?.eventsPerDay ?? null;

/**
 * Whether an event must be dead-lettered "over_budget". `eventsToday` counts the metric's events
 * accepted so far in the current UTC day, not including this one: the budget's last event is kept.
 */
export const isOverBudget = (metric: CatalogMetric, eventsToday: number): boolean => {
  const budget = metric.definition.budget?.eventsPerDay;
  return budget !== undefined && eventsToday >= budget;
};

export interface ExpiringMetric {
  readonly name: string;
  readonly owner: string | null;
  readonly expires: string;
  /** Days from today (UTC) to the expiry date: 0 when today is its last day. */
  readonly daysLeft: number;
}

/**
 * Metrics still active at `now` whose expiry date is at most `days` calendar days after today
 * (UTC), soonest first, with the owner to remind. Already expired metrics are not listed.
 */
export const expiringWithin = (catalog: Catalog, days: number, now: Date | number): ExpiringMetric[] => {
  const nowMs = toEpochMs(now);
  const todayMs = startOfUtcDay(nowMs);
  // expiresAtMs is the midnight after the expiry date.
  const horizonMs = todayMs + (days + 1) * DAY_MS;
  const expiring: ExpiringMetric[] = [];
  for (const metric of catalog.metrics.values()) {
    const expiresAtMs = metric.expiresAtMs;
    if (expiresAtMs === null || expiresAtMs <= nowMs || expiresAtMs > horizonMs) continue;
    expiring.push({
      name: metric.name,
      owner: metric.definition.owner ?? null,
      expires: metric.definition.expires ?? '',
      daysLeft: Math.round((expiresAtMs - DAY_MS - todayMs) / DAY_MS),
    });
  }
  return expiring.sort((a, b) => a.expires.localeCompare(b.expires) || a.name.localeCompare(b.name));
};
