import type { CatalogInput, MetricPolicy } from './telemetry-types';

export interface ResolvedMetricPolicy {
  purpose: string;
  sampleRate: number;
  urgent: boolean;
}

export interface PolicyOverrides {
  defaultPurpose: string;
  sampling: Readonly<Record<string, number>>;
  urgentMetrics: ReadonlySet<string>;
}

/** A catalog given as a list (e.g. MetricDefinition[]) or a map, as a map by metric name. */
export const indexCatalog = (catalog: CatalogInput | undefined): Map<string, MetricPolicy> => {
  if (catalog === undefined) return new Map();
  if (Array.isArray(catalog)) return new Map(catalog.map((definition) => [definition.name, definition]));
  return new Map(Object.entries(catalog as Record<string, MetricPolicy>));
};

const clampRate = (rate: number | undefined): number => {
  if (rate === undefined || Number.isNaN(rate)) return 1;
  return Math.min(1, Math.max(0, rate));
};

/** Purpose, sample rate and urgency of one metric: explicit options win over the catalog. */
export const resolveMetricPolicy = (
  metric: string,
  catalog: ReadonlyMap<string, MetricPolicy>,
  overrides: PolicyOverrides,
): ResolvedMetricPolicy => {
  const definition = catalog.get(metric);
  return {
    purpose: definition?.purpose ?? overrides.defaultPurpose,
    sampleRate: clampRate(overrides.sampling[metric] ?? definition?.sampleRate),
    urgent: overrides.urgentMetrics.has(metric) || definition?.urgent === true,
  };
};

/** Sampling decision from a uniform draw in [0, 1): keeps a `sampleRate` fraction of events. */
export const isSampledIn = (sampleRate: number, uniformDraw: number): boolean => uniformDraw < sampleRate;
