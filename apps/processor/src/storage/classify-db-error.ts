/**
 * Whether a failed store is worth retrying. A permanent error is one that the same rows will raise
 * again on every attempt (a value PostgreSQL cannot hold, a violated constraint, a limit): retried,
 * it would stall its partition forever, so the events that cause it are dead-lettered instead.
 * Anything else (connection lost, deadlock, serialization failure, admin shutdown, no SQLSTATE at
 * all, or a class we cannot pin on the data, such as a missing table) is transient: the batch is
 * replayed and nothing is dead-lettered.
 */
export type PermanentCondition = 'data_exception' | 'integrity_violation' | 'limit_exceeded';

export interface PermanentDbError {
  kind: 'permanent';
  sqlState: string;
  condition: PermanentCondition;
  /** PostgreSQL's primary message (never its DETAIL, which quotes the whole failing row). */
  message: string;
}

export interface TransientDbError {
  kind: 'transient';
  sqlState: string | undefined;
}

export type DbErrorClass = PermanentDbError | TransientDbError;

/** SQLSTATE classes (the first two characters) whose errors the same rows raise again on every attempt. */
const PERMANENT_CLASSES: Readonly<Record<string, PermanentCondition>> = {
  '22': 'data_exception',
  '23': 'integrity_violation',
  '54': 'limit_exceeded',
};

/** The COPY fast path handles it (an already-stored event); if one ever escapes, a replay resolves it. */
const UNIQUE_VIOLATION = '23505';

/** Node's own errors carry codes too (ECONNRESET): only a five-character code is a SQLSTATE. */
const SQLSTATE_SHAPE = /^[0-9A-Z]{5}$/;

/** A reason is a log line and a dead letter, not a dump: PostgreSQL messages can quote long values. */
const MAX_MESSAGE_LENGTH = 200;

export const sqlStateOf = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = error.code;
  return typeof code === 'string' && SQLSTATE_SHAPE.test(code) ? code : undefined;
};

export const classifyDbError = (error: unknown): DbErrorClass => {
  const sqlState = sqlStateOf(error);
  const condition = sqlState === undefined || sqlState === UNIQUE_VIOLATION ? undefined : PERMANENT_CLASSES[sqlState.slice(0, 2)];
  if (sqlState === undefined || condition === undefined) return { kind: 'transient', sqlState };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'permanent', sqlState, condition, message: message.slice(0, MAX_MESSAGE_LENGTH) };
};

/**
 * The dead letter's reason: `db_<condition>` first (the /metrics and telemetry.self.dead_letters
 * label, a handful of values), then the SQLSTATE and PostgreSQL's message.
 */
export const poisonReason = (error: PermanentDbError): string => `db_${error.condition}: SQLSTATE ${error.sqlState}: ${error.message}`;
