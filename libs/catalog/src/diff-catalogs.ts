import type { MetricDefinition } from '@telemetry/contracts';
import { FormulaError, parseFormulaAst, printFormula } from '@telemetry/formula';

export interface ChangedMetric {
  readonly name: string;
  readonly before: MetricDefinition;
  readonly after: MetricDefinition;
  /** The fields whose meaning differs, sorted. */
  readonly fields: readonly string[];
}

export interface CatalogDiff {
  readonly added: readonly MetricDefinition[];
  readonly changed: readonly ChangedMetric[];
  readonly removed: readonly MetricDefinition[];
  readonly unchanged: readonly string[];
}

/** A formula's canonical spelling, so a whitespace or parenthesis edit is not a change. */
const canonicalFormula = (source: string): string => {
  try {
    return printFormula(parseFormulaAst(source));
  } catch (error) {
    // Stored data is not re-validated here: an unparsable formula compares by its text.
    if (error instanceof FormulaError) return source.trim();
    throw error;
  }
};

/** Attribute order means nothing (they are a set); key order in alert/budget means nothing either. */
const canonicalValue = (field: string, value: unknown): string => {
  if (value === undefined || value === null) return '';
  if (field === 'attributes' && Array.isArray(value)) return JSON.stringify([...(value as string[])].sort());
  if (field === 'formula' && typeof value === 'string') return canonicalFormula(value);
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, item]) => item !== undefined);
    return JSON.stringify(entries.sort(([a], [b]) => a.localeCompare(b)));
  }
  return JSON.stringify(value);
};

const changedFields = (before: MetricDefinition, after: MetricDefinition): string[] => {
  const fields = new Set([...Object.keys(before), ...Object.keys(after)]);
  const changed: string[] = [];
  for (const field of fields) {
    const a = canonicalValue(field, (before as Record<string, unknown>)[field]);
    const b = canonicalValue(field, (after as Record<string, unknown>)[field]);
    if (a !== b) changed.push(field);
  }
  return changed.sort();
};

/**
 * What catalog:apply must do to turn the stored catalog into the next one: insert `added`,
 * update `changed`, retire `removed`, leave `unchanged` alone (and publish nothing for them).
 * Each list is sorted by name, so the plan reads the same on every run.
 */
export const diffCatalogs = (stored: Iterable<MetricDefinition>, next: Iterable<MetricDefinition>): CatalogDiff => {
  const before = new Map([...stored].map((definition) => [definition.name, definition]));
  const after = new Map([...next].map((definition) => [definition.name, definition]));
  const added: MetricDefinition[] = [];
  const changed: ChangedMetric[] = [];
  const removed: MetricDefinition[] = [];
  const unchanged: string[] = [];
  for (const [name, definition] of after) {
    const previous = before.get(name);
    if (previous === undefined) {
      added.push(definition);
      continue;
    }
    const fields = changedFields(previous, definition);
    if (fields.length === 0) unchanged.push(name);
    else changed.push({ name, before: previous, after: definition, fields });
  }
  for (const [name, definition] of before) {
    if (!after.has(name)) removed.push(definition);
  }
  const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
  return { added: added.sort(byName), changed: changed.sort(byName), removed: removed.sort(byName), unchanged: unchanged.sort() };
};
