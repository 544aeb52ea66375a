import { FORBIDDEN_ATTRIBUTE_KEYS, type AttributeValue, type Attributes } from '@telemetry/contracts';

export interface ReferenceRecord {
  key: string;
  attributes: Attributes;
}

export class ReferenceDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceDataError';
  }
}

/** Splits one CSV line (RFC 4180 quoting: "a,b" and "" for a quote). */
const splitCsvLine = (line: string, lineNumber: number): string[] => {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"' && field === '') quoted = true;
    else if (char === ',') {
      fields.push(field);
      field = '';
    } else field += char;
  }
  if (quoted) throw new ReferenceDataError(`line ${lineNumber}: unterminated quote`);
  fields.push(field);
  return fields;
};

/** CSV cells stay strings except plain numbers and true/false, so "region=eu" and "firmware=2" group as expected. */
const cellValue = (cell: string): AttributeValue => {
  if (cell === 'true') return true;
  if (cell === 'false') return false;
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(cell)) return Number(cell);
  return cell;
};

const checkColumn = (name: string, where: string) => {
  if (name === '' || FORBIDDEN_ATTRIBUTE_KEYS.has(name)) throw new ReferenceDataError(`${where}: invalid column name ${JSON.stringify(name)}`);
};

/**
 * Reference data from CSV (a header row; the key column is `keyColumn`, else the first column)
 * or JSON (an array of objects with `keyColumn`, or an object keyed by the key). Duplicate keys
 * are an error: which row wins would otherwise depend on file order.
 */
export const parseReferenceData = (text: string, format: 'csv' | 'json', keyColumn?: string): ReferenceRecord[] => {
  const records = format === 'csv' ? parseCsv(text, keyColumn) : parseJson(text, keyColumn);
  const seen = new Set<string>();
  for (const record of records) {
    if (seen.has(record.key)) throw new ReferenceDataError(`duplicate key ${JSON.stringify(record.key)}`);
    seen.add(record.key);
  }
  return records;
};

const parseCsv = (text: string, keyColumn: string | undefined): ReferenceRecord[] => {
  const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
  const [headerLine, ...rows] = lines;
  if (headerLine === undefined) throw new ReferenceDataError('empty CSV: a header row is required');
  const header = splitCsvLine(headerLine, 1).map((name) => name.trim());
  header.forEach((name) => checkColumn(name, 'header'));
  const keyIndex = keyColumn ? header.indexOf(keyColumn) : 0;
  if (keyIndex < 0) throw new ReferenceDataError(`key column ${JSON.stringify(keyColumn)} is not in the header`);
  return rows.map((line, index) => {
    const cells = splitCsvLine(line, index + 2);
    if (cells.length !== header.length) {
      throw new ReferenceDataError(`line ${index + 2}: ${cells.length} fields, the header has ${header.length}`);
    }
    const key = cells[keyIndex] ?? '';
    if (key === '') throw new ReferenceDataError(`line ${index + 2}: empty key`);
    const attributes: Attributes = {};
    header.forEach((name, column) => {
      if (column !== keyIndex && cells[column] !== '') attributes[name] = cellValue(cells[column] as string);
    });
    return { key, attributes };
  });
};

const toAttributes = (value: unknown, where: string, skip?: string): Attributes => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new ReferenceDataError(`${where}: not an object`);
  const attributes: Attributes = {};
  for (const [name, cell] of Object.entries(value as Record<string, unknown>)) {
    if (name === skip) continue;
    checkColumn(name, where);
    if (typeof cell === 'string' || typeof cell === 'boolean' || (typeof cell === 'number' && Number.isFinite(cell))) {
      attributes[name] = cell;
    } else if (cell !== null && cell !== undefined) {
      throw new ReferenceDataError(`${where}.${name}: must be a string, number or boolean`);
    }
  }
  return attributes;
};

const parseJson = (text: string, keyColumn: string | undefined): ReferenceRecord[] => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ReferenceDataError(`not JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (Array.isArray(parsed)) {
    const column = keyColumn ?? 'id';
    return parsed.map((item, index) => {
      const where = `[${index}]`;
      const key = (item as Record<string, unknown> | null)?.[column];
      if (typeof key !== 'string' && typeof key !== 'number') throw new ReferenceDataError(`${where}: no "${column}" key`);
      return { key: String(key), attributes: toAttributes(item, where, column) };
    });
  }
  if (parsed !== null && typeof parsed === 'object') {
    return Object.entries(parsed as Record<string, unknown>).map(([key, item]) => ({ key, attributes: toAttributes(item, key) }));
  }
  throw new ReferenceDataError('JSON reference data must be an array of objects or an object of objects');
};
