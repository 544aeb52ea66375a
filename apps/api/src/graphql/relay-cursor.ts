import { badUserInput } from '../errors/api-error';

/** Where a page ends in an ordering by (time DESC, id DESC): the time with microseconds, as PostgreSQL wrote it, and the id. */
export interface CursorPosition {
  readonly at: string;
  readonly id: string;
}

const CURSOR_VERSION = 'c1';
const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Opaque to clients: they pass it back as `after`, and must not build or parse it. */
export const encodeCursor = (position: CursorPosition): string =>
  Buffer.from(JSON.stringify([CURSOR_VERSION, position.at, position.id]), 'utf8').toString('base64url');

export const decodeCursor = (cursor: string): CursorPosition => {
  const invalid = () => badUserInput('after is not a cursor returned by this API', { argument: 'after' });
  if (cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    throw badUserInput('after is not a cursor returned by this API', { argument: 'after', reason: error instanceof Error ? 'malformed' : 'unknown' });
  }
  if (!Array.isArray(parsed) || parsed.length !== 3) throw invalid();
  const [version, at, id] = parsed as unknown[];
  if (version !== CURSOR_VERSION || typeof at !== 'string' || !ISO_MICROS.test(at) || typeof id !== 'string' || id.length === 0 || id.length > 256) {
    throw invalid();
  }
  return { at, id };
};

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

export const pageSize = (first: number | null | undefined): number => {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}`, { argument: 'first' });
  return first;
};

/** SQL for "the time column as UTC text with microseconds", so a cursor compares exactly, not at millisecond precision. */
export const cursorTimeSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
