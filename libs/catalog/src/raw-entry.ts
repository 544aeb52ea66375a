/**
 * A metric as written, before validation: one shape for both sources of definitions, the YAML
 * file (with line numbers) and MetricDefinition objects from GraphQL or the database (without).
 * Values are plain: primitives, arrays and Maps. A nested collection where none belongs is
 * replaced by NESTED, so validation never has to walk arbitrary depth.
 */
export const NESTED: unique symbol = Symbol('nested collection');

export type RawValue = string | number | boolean | null | typeof NESTED | RawValue[] | Map<string, RawValue>;

export interface RawField {
  readonly value: RawValue;
  readonly line: number | null;
  /** For lists: the line of each item. */
  readonly itemLines?: readonly (number | null)[];
}

export interface RawMetricEntry {
  readonly name: string;
  readonly line: number | null;
  readonly fields: ReadonlyMap<string, RawField>;
}

const toRawValue = (value: unknown, depth: number): RawValue => {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (depth >= 1) return NESTED;
  if (Array.isArray(value)) return value.map((item: unknown) => toRawValue(item, depth + 1));
  if (typeof value === 'object') {
    return new Map(Object.entries(value).map(([key, item]) => [key, toRawValue(item, depth + 1)]));
  }
  return NESTED;
};

/**
 * A stored or submitted definition, as a raw entry. Stored definitions always carry `description`
 * and `attributes` (the contract requires them), so an empty string or list means "not given".
 */
export const rawEntryFromObject = (name: string, definition: object): RawMetricEntry => {
  const fields = new Map<string, RawField>();
  for (const [key, value] of Object.entries(definition)) {
    const absent = value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
    if (key === 'name' || absent) continue;
    fields.set(key, { value: toRawValue(value, 0), line: null });
  }
  return { name, line: null, fields };
};
