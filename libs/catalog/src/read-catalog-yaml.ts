import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { CatalogIssue } from './catalog-issue';
import { NESTED, type RawField, type RawMetricEntry, type RawValue } from './raw-entry';

/** A catalog is a few hundred metrics; far beyond this is a mistake or an attack, refused before parsing. */
export const MAX_CATALOG_BYTES = 4 * 1024 * 1024;
/**
 * A catalog needs two levels of flow nesting (`alert: { above: 1 }`). The yaml package aborts the
 * process (out of memory) on ~100,000 nested brackets, so nesting is counted before it parses.
 */
const MAX_FLOW_DEPTH = 16;
/** A broken file can produce one YAML error per line; the first few say what is wrong. */
const MAX_YAML_ISSUES = 10;

export interface CatalogYaml {
  readonly entries: readonly RawMetricEntry[];
  readonly issues: readonly CatalogIssue[];
}

const issue = (line: number | null, message: string, metric: string | null = null, field: string | null = null): CatalogIssue => ({
  metric,
  field,
  line,
  message,
});

/** Deepest `[`/`{` nesting outside quotes and comments, and the line where it first passes the limit. */
const findDeepFlowNesting = (text: string): number | null => {
  let depth = 0;
  let line = 1;
  let quote: string | null = null;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === '\n') {
      line += 1;
      if (quote === null) continue;
    }
    if (quote !== null) {
      if (char === quote) quote = null;
      else if (char === '\\' && quote === '"') i += 1;
      continue;
    }
    if (char === '"' || char === "'") quote = char;
    else if (char === '#' && (i === 0 || text[i - 1] === ' ' || text[i - 1] === '\t' || text[i - 1] === '\n')) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end - 1;
    } else if (char === '[' || char === '{') {
      depth += 1;
      if (depth > MAX_FLOW_DEPTH) return line;
    } else if ((char === ']' || char === '}') && depth > 0) depth -= 1;
  }
  return null;
};

/**
 * Converts a field's node to a plain value. Only one level of collection is kept (a list of
 * attributes, an alert map); anything deeper becomes NESTED and is refused by validation.
 */
const toRawField = (node: unknown, doc: Document, lines: LineCounter, depth: number): { value: RawValue; itemLines?: (number | null)[] } => {
  const resolved = isAlias(node) ? node.resolve(doc) : node;
  if (resolved === null || resolved === undefined) return { value: null };
  if (isScalar(resolved)) {
    const value = resolved.value;
    if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return { value };
    return { value: String(value) };
  }
  if (depth >= 1) return { value: NESTED };
  if (isSeq(resolved)) {
    const items = resolved.items.map((item): { value: RawValue; line: number | null } => ({ value: toRawField(item, doc, lines, depth + 1).value, line: lineOf(item, lines) }));
    return { value: items.map((item) => item.value), itemLines: items.map((item) => item.line) };
  }
  if (isMap(resolved)) {
    const map = new Map<string, RawValue>();
    for (const pair of resolved.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '?';
      map.set(key, toRawField(pair.value, doc, lines, depth + 1).value);
    }
    return { value: map };
  }
  return { value: NESTED };
};

const lineOf = (node: unknown, lines: LineCounter): number | null => {
  const range = (node as Node | null)?.range;
  return range ? lines.linePos(range[0]).line : null;
};

/**
 * Reads metrics.yaml into raw entries with line numbers. Structural problems (YAML syntax,
 * duplicate keys, a metric that is not a mapping) are issues here; field rules are validation's.
 */
export const readCatalogYaml = (text: string): CatalogYaml => {
  if (text.length > MAX_CATALOG_BYTES) {
    return { entries: [], issues: [issue(null, `catalog is ${text.length} characters; at most ${MAX_CATALOG_BYTES} are allowed`)] };
  }
  const deepLine = findDeepFlowNesting(text);
  if (deepLine !== null) {
    return { entries: [], issues: [issue(deepLine, `brackets nest deeper than ${MAX_FLOW_DEPTH} levels`)] };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const issues = doc.errors.slice(0, MAX_YAML_ISSUES).map((error) => {
      const line = error.linePos?.[0]?.line ?? null;
      // The issue carries the line; the message's own position suffix and source excerpt would repeat it.
      const message = (error.message.split('\n')[0] ?? error.code).replace(/ at line \d+, column \d+:?$/, '');
      return issue(line, `YAML: ${message}`);
    });
    return { entries: [], issues };
  }
  const root = doc.contents;
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    return { entries: [], issues: [issue(1, 'catalog has no metrics')] };
  }
  if (!isMap(root)) {
    return { entries: [], issues: [issue(lineOf(root, lines), 'catalog must be a mapping of metric name to definition')] };
  }
  const entries: RawMetricEntry[] = [];
  const issues: CatalogIssue[] = [];
  for (const pair of root.items) {
    const keyLine = lineOf(pair.key, lines);
    if (!isScalar(pair.key) || typeof pair.key.value !== 'string') {
      issues.push(issue(keyLine, 'metric name must be a plain string'));
      continue;
    }
    const name = pair.key.value;
    const body = isAlias(pair.value) ? pair.value.resolve(doc) : pair.value;
    if (!isMap(body)) {
      issues.push(issue(keyLine, 'definition must be a mapping of fields (type, unit, description, …)', name));
      continue;
    }
    const fields = new Map<string, RawField>();
    for (const field of body.items) {
      const fieldLine = lineOf(field.key, lines);
      if (!isScalar(field.key) || typeof field.key.value !== 'string') {
        issues.push(issue(fieldLine, 'field name must be a plain string', name));
        continue;
      }
      if (isAlias(field.value) && field.value.resolve(doc) === undefined) {
        issues.push(issue(fieldLine, `unknown alias *${field.value.source}`, name, field.key.value));
        continue;
      }
      fields.set(field.key.value, { ...toRawField(field.value, doc, lines, 0), line: fieldLine });
    }
    entries.push({ name, line: keyLine, fields });
  }
  return { entries, issues };
};
