import type { MetricDefinition } from '@telemetry/contracts';

/**
 * Where a metric's notifications go: its own `webhook` from the catalog and its owner's from
 * NOTIFY_WEBHOOKS, both when they differ (the metric's channel and the owning team's pager).
 */
export const webhookTargets = (definition: MetricDefinition | undefined, ownerWebhooks: Readonly<Record<string, string>>): string[] => {
  const targets = new Set<string>();
  if (definition?.webhook) targets.add(definition.webhook);
  const ownerUrl = definition?.owner === undefined ? undefined : ownerWebhooks[definition.owner];
  if (ownerUrl) targets.add(ownerUrl);
  return [...targets];
};
