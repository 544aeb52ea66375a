import type { ExpiringMetric } from '@telemetry/catalog';
import type { CatalogPlan } from './apply-catalog';

/** How far ahead catalog:apply reminds owners of metrics about to expire. */
export const EXPIRY_WARNING_DAYS = 30;

/**
 * The diff as catalog:apply prints it, one metric per line, in the order of the plan:
 *   + name (type, owner x)          added
 *   + name (type, owner x) revived  added again after being retired
 *   ~ name: field, field            changed (the fields whose meaning differs)
 *   - name                          removed: retired, tombstone on catalog.v1
 */
export const formatCatalogPlan = (plan: CatalogPlan, source: string): string[] => {
  const revived = new Set(plan.revived);
  const total = plan.added.length + plan.changed.length + plan.unchanged.length;
  const lines = [
    `${source}: ${total} metric${total === 1 ? '' : 's'}; ${plan.added.length} added, ${plan.changed.length} changed, ` +
      `${plan.removed.length} removed, ${plan.unchanged.length} unchanged`,
  ];
  for (const definition of plan.added) {
    const owner = definition.owner === undefined ? '' : `, owner ${definition.owner}`;
    lines.push(`  + ${definition.name} (${definition.type}${owner})${revived.has(definition.name) ? ' revived' : ''}`);
  }
  for (const change of plan.changed) lines.push(`  ~ ${change.name}: ${change.fields.join(', ')}`);
  for (const definition of plan.removed) lines.push(`  - ${definition.name} (retired; tombstone on catalog.v1)`);
  return lines;
};

/**
 * The expiry reminder, grouped by owner so each team sees its own list:
 *   2 metrics expire within 30 days; owners to remind: mobile, web
 *     owner web: web.js_errors (expires 2026-12-15, 20 days left)
 */
export const formatExpiringMetrics = (expiring: readonly ExpiringMetric[], days = EXPIRY_WARNING_DAYS): string[] => {
  if (expiring.length === 0) return [];
  const byOwner = new Map<string, ExpiringMetric[]>();
  for (const metric of expiring) {
    const owner = metric.owner ?? '(no owner)';
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), metric]);
  }
  const owners = [...byOwner.keys()].sort();
  const count = `${expiring.length} metric${expiring.length === 1 ? '' : 's'} expire${expiring.length === 1 ? 's' : ''}`;
  const lines = [`warning: ${count} within ${days} days; owners to remind: ${owners.join(', ')}`];
  for (const owner of owners) {
    const metrics = (byOwner.get(owner) ?? []).map(
      (metric) => `${metric.name} (expires ${metric.expires}, ${metric.daysLeft === 0 ? 'last day today' : `${metric.daysLeft} day${metric.daysLeft === 1 ? '' : 's'} left`})`,
    );
    lines.push(`  owner ${owner}: ${metrics.join('; ')}`);
  }
  return lines;
};
