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
