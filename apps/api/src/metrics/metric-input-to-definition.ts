import type { MetricDefinition, MetricType } from '@telemetry/contracts';
import type { MetricInput } from './metric.model';

const present = <T>(value: T | null | undefined): T | undefined => (value === null ? undefined : value);

/** Only the keys the caller set: libs/catalog reads an absent bound kept as a key as null, and refuses it. */
const withoutAbsent = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined && field !== null)) as T;

/**
 * GraphQL input → MetricDefinition, dropping absent fields so libs/catalog sees exactly what the
 * caller wrote. The type is not checked here: validation (with every problem named) is the catalog's.
 */
export const metricInputToDefinition = (input: MetricInput): MetricDefinition => {
  const alert = input.alert
    ? withoutAbsent({
        above: present(input.alert.above),
        below: present(input.alert.below),
        dropPercent: present(input.alert.dropPercent),
        dropFrom: present(input.alert.dropFrom),
      })
    : undefined;
  const definition: MetricDefinition = {
    name: input.name,
    type: input.type as MetricType,
    unit: present(input.unit),
    description: input.description ?? '',
    owner: present(input.owner),
    hypothesis: present(input.hypothesis),
    action: present(input.action),
    purpose: present(input.purpose),
    expires: present(input.expires),
    attributes: input.attributes ?? [],
    formula: present(input.formula),
    alert,
    budget: input.budget ? { eventsPerDay: input.budget.eventsPerDay } : undefined,
    retentionDays: present(input.retentionDays),
    highResolution: present(input.highResolution),
    webhook: present(input.webhook),
  };
  return withoutAbsent(definition);
};
