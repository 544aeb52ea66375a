import type { Attributes } from '@telemetry/contracts';

/** One configured join: events whose attribute `attribute` holds a key of data set `dataset`. */
export interface ReferenceJoin {
  dataset: string;
  attribute: string;
}

export type ReferenceLookup = (dataset: string, key: string) => Attributes | undefined;

/**
 * Parses `REFDATA_JOIN` ("devices:device_id,stores:store_id") into joins; throws naming the bad
 * entry, so a misconfiguration stops the start.
 */
export const parseReferenceJoins = (spec: string): ReferenceJoin[] =>
  spec
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry) => {
      const match = /^([A-Za-z0-9_.-]+):([A-Za-z_][A-Za-z0-9_.\-/:]*)$/.exec(entry);
      if (!match) throw new Error(`REFDATA_JOIN: "${entry}" is not dataset:attribute`);
      return { dataset: match[1] as string, attribute: match[2] as string };
    });

/**
 * The event's attributes with each matching reference record's attributes added. The event's own
 * values win on a name clash: what the sender measured is not overwritten by a lookup table.
 * Returns the same object when nothing joined, so the common case allocates nothing.
 */
export const enrichAttributes = (
  attributes: Attributes,
  joins: readonly ReferenceJoin[],
  lookup: ReferenceLookup,
): Attributes => {
  let enriched = attributes;
  for (const join of joins) {
    const key = attributes[join.attribute];
    if (key === undefined) continue;
    const reference = lookup(join.dataset, String(key));
    if (!reference) continue;
    if (enriched === attributes) enriched = { ...attributes };
    for (const [name, value] of Object.entries(reference)) {
      if (enriched[name] === undefined) enriched[name] = value;
    }
  }
  return enriched;
};
