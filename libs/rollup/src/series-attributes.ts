import { seriesKey, type Attributes } from '@telemetry/contracts';

export interface SeriesIdentity {
  series: string;
  attributes: Attributes;
}

/**
 * The series a point belongs to: its values of the metric's declared attributes plus the
 * enrichment attributes joined onto it. Undeclared attributes never split a series (their
 * cardinality is unbounded). `declared` undefined (metric not in the catalog yet) keeps every
 * attribute, because the privacy stage already stripped undeclared ones.
 */
export const seriesIdentity = (
  attributes: Attributes,
  declared: readonly string[] | undefined,
  enrichmentKeys: readonly string[],
): SeriesIdentity => {
  const keys = declared ? [...declared, ...enrichmentKeys] : Object.keys(attributes);
  const chosen: Attributes = {};
  for (const key of keys) {
    const value = attributes[key];
    if (value !== undefined) chosen[key] = value;
  }
  return { series: seriesKey(chosen), attributes: chosen };
};

export type SeriesResolver = (attributes: Attributes, declared: readonly string[] | undefined) => SeriesIdentity;

/**
 * seriesIdentity for many points at once (a consumed batch): the metric's key list is merged and
 * sorted once per declared list instead of once per point, and points of the same series share
 * one identity object, so a batch of 40,000 points over a few series allocates a few identities
 * instead of 40,000 (less work for the garbage collector). Same results as seriesIdentity.
 */
export const createSeriesResolver = (enrichmentKeys: readonly string[]): SeriesResolver => {
  const keyLists = new WeakMap<readonly string[], { ordered: string[]; sorted: string[] }>();
  const identities = new Map<string, SeriesIdentity>();
  const keysOf = (declared: readonly string[]) => {
    let lists = keyLists.get(declared);
    if (!lists) {
      const ordered = [...new Set([...declared, ...enrichmentKeys])];
      lists = { ordered, sorted: [...ordered].sort() };
      keyLists.set(declared, lists);
    }
    return lists;
  };
  return (attributes, declared) => {
    if (!declared) return seriesIdentity(attributes, declared, enrichmentKeys);
    const { ordered, sorted } = keysOf(declared);
    let series = '';
    for (const key of sorted) {
      const value = attributes[key];
      if (value !== undefined) series += `${series ? ',' : ''}${key}=${String(value)}`;
    }
    let identity = identities.get(series);
    if (!identity) {
      const chosen: Attributes = {};
      for (const key of ordered) {
        const value = attributes[key];
        if (value !== undefined) chosen[key] = value;
      }
      identity = { series, attributes: chosen };
      identities.set(series, identity);
    }
    return identity;
  };
};
