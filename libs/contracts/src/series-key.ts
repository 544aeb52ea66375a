import type { Attributes } from './event';

/**
 * The canonical identity of a series: its attributes as sorted `key=value` pairs joined by ','
 * ('' for a series without attributes). Used as a Kafka key suffix and a table key, so it must be
 * stable across services.
 */
export const seriesKey = (attributes: Attributes | undefined, keys?: readonly string[]): string => {
  if (!attributes) return '';
  const chosen = (keys ?? Object.keys(attributes)).filter((key) => attributes[key] !== undefined).sort();
  return chosen.map((key) => `${key}=${String(attributes[key])}`).join(',');
};

/** Kafka key for per-series topics (metrics.rollup.v1, anomalies.v1). */
export const seriesMessageKey = (metric: string, series: string): string => `${metric}|${series}`;
