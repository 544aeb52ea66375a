import { once } from 'node:events';
import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { StoredPoint } from './decode-batch';

/** Escapes a value for COPY's text format (backslash, newline, carriage return, tab). */
const COPY_SPECIAL = /[\\\n\r\t]/;
const copyEscape = (text: string): string =>
  COPY_SPECIAL.test(text)
    ? text.replace(/[\\\n\r\t]/g, (char) => (char === '\\' ? '\\\\' : char === '\n' ? '\\n' : char === '\r' ? '\\r' : '\\t'))
    : text;

/** Batches share timestamps (one receivedAt per envelope, events stamped together): format each once. */
const isoFormatter = () => {
  let lastMs = NaN;
  let last = '';
  return (ms: number): string => {
    if (ms !== lastMs) {
      lastMs = ms;
      last = new Date(ms).toISOString();
    }
    return last;
  };
};

/**
 * Rows per CopyData message. PostgreSQL parses a message only once it has all of it: a batch sent
 * as one 8 MB message kept it idle while the processor formatted and sent the whole batch; in
 * ~100 KB pieces it inserts while the rest is still being formatted.
 */
const ROWS_PER_CHUNK = 500;

/** The points as COPY text rows, ROWS_PER_CHUNK at a time (formatted, and taken from `points`, as they are consumed). */
function* copyChunks(points: Iterable<StoredPoint>): Generator<string> {
  const eventTime = isoFormatter();
  const receivedTime = isoFormatter();
  let text = '';
  let rows = 0;
  for (const point of points) {
    text +=
      `${eventTime(point.timeMs)}\t${copyEscape(point.metric)}\t${String(point.value)}\t` +
      `${point.subject === null ? '\\N' : copyEscape(point.subject)}\t${copyEscape(point.sourceId)}\t` +
      `${copyEscape(JSON.stringify(point.attributes))}\t${copyEscape(point.eventId)}\t${receivedTime(point.receivedAtMs)}\n`;
    rows += 1;
    if (rows === ROWS_PER_CHUNK) {
      yield text;
      text = '';
      rows = 0;
    }
  }
  if (rows > 0) yield text;
}

/**
 * Points to store. `stream()` yields them as they become available (a batch still being decoded)
 * and can be started again from the first; `all()` returns every one.
 */
export interface PointSource {
  stream(): Iterable<StoredPoint>;
  all(): readonly StoredPoint[];
}


export const pointKey = (eventId: string, timeMs: number): string => `${eventId}\u0000${timeMs}`;

/** Temp tables live per connection; pooled connections are reused, so create it once per connection. */
const connectionsWithStagingTable = new WeakSet<PoolClient>();

const ensureStagingTable = async (client: PoolClient): Promise<void> => {
  if (connectionsWithStagingTable.has(client)) return;
  await client.query(`
    CREATE TEMP TABLE IF NOT EXISTS incoming_points (
      time timestamptz, metric text, value double precision, subject text, source_id text,
      attributes jsonb, event_id text, received_at timestamptz
    ) ON COMMIT DELETE ROWS`);
  connectionsWithStagingTable.add(client);
};

/** Streams the chunks into one COPY, waiting for the socket to drain when PostgreSQL falls behind. */
const copyInto = async (client: PoolClient, sql: string, chunks: Iterable<string>): Promise<void> => {
  const stream = client.query(copyFrom(sql));
  // Rejects with the COPY's error (a duplicate key, say) as soon as PostgreSQL reports it.
  const finished = once(stream, 'finish');
  try {
    for (const chunk of chunks) {
      if (!stream.write(chunk)) await Promise.race([once(stream, 'drain'), finished]);
    }
    stream.end();
  } finally {
    await finished;
  }
};

const COLUMNS = '(time, metric, value, subject, source_id, attributes, event_id, received_at)';
const UNIQUE_VIOLATION = '23505';

const sqlState = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;

/**
 * Stores points idempotently, inside the caller's transaction, and returns only the points this
 * call actually inserted, so the rollups count each event exactly once even when Kafka replays a
 * batch after a crash, or an event appears twice in one batch.
 *
 * Fast path: COPY straight into data_points under a savepoint, which costs what a bare COPY
 * costs; any already-stored event (or one twice in the batch) makes it fail on the unique
 * (event_id, time) index. Then (a replay, rare) the savepoint is rolled back and the batch goes through a staging table and
 * INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING, which tells which events were new.
 */
export const insertPoints = async (client: PoolClient, source: PointSource): Promise<StoredPoint[]> => {
  await client.query('SAVEPOINT copy_points');
  try {
    await copyInto(client, `COPY data_points ${COLUMNS} FROM STDIN`, copyChunks(source.stream()));
    await client.query('RELEASE SAVEPOINT copy_points');
    return [...source.all()];
  } catch (error) {
    if (sqlState(error) !== UNIQUE_VIOLATION) throw error;
    await client.query('ROLLBACK TO SAVEPOINT copy_points');
  }
  // The failed COPY may have stopped before the last points were taken: all() has every one.
  const points = source.all();
  await ensureStagingTable(client);
  await copyInto(client, `COPY incoming_points ${COLUMNS} FROM STDIN`, copyChunks(points));
  const { rows } = await client.query<{ event_id: string; time: Date }>(
    `INSERT INTO data_points ${COLUMNS}
     SELECT time, metric, value, subject, source_id, attributes, event_id, received_at FROM incoming_points
     ON CONFLICT (event_id, time) DO NOTHING
     RETURNING event_id, time`,
  );
  // Each inserted key is taken once: an event twice in one batch is inserted (and rolled up) once.
  const inserted = new Set(rows.map((row) => pointKey(row.event_id, row.time.getTime())));
  return points.filter((point) => inserted.delete(pointKey(point.eventId, point.timeMs)));
};
