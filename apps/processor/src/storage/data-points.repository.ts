import type { PoolClient } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { StoredPoint } from './decode-batch';

/** Escapes a value for COPY's text format (backslash, newline, carriage return, tab). */
const COPY_SPECIAL = /[\\\n\r\t]/;
const copyEscape = (text: string): string =>
  COPY_SPECIAL.test(text)
    ? text.replace(/[\\\n\r\t]/g, (char) => (char === '\\' ? '\\\\' : char === '\n' ? '\\n' : char === '\r' ? '\\r' : '\\t'))
    : text;

const copyLine = (point: StoredPoint): string =>
  [
    new Date(point.timeMs).toISOString(),
    copyEscape(point.metric),
    String(point.value),
    point.subject === null ? '\\N' : copyEscape(point.subject),
    copyEscape(point.sourceId),
    copyEscape(JSON.stringify(point.attributes)),
    copyEscape(point.eventId),
    new Date(point.receivedAtMs).toISOString(),
  ].join('\t');

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

const copyInto = (client: PoolClient, sql: string, text: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const stream = client.query(copyFrom(sql));
    stream.on('error', reject);
    stream.on('finish', () => resolve());
    stream.end(text);
  });

/**
 * Stores points idempotently, inside the caller's transaction: COPY into a staging table, then
 * one INSERT … SELECT … ON CONFLICT (event_id, time) DO NOTHING RETURNING. Returns only the
 * points this call actually inserted, so the rollups count each event exactly once even when
 * Kafka replays a batch after a crash. `points` must be free of duplicate (eventId, time).
 */
export const insertPoints = async (client: PoolClient, points: readonly StoredPoint[]): Promise<StoredPoint[]> => {
  if (points.length === 0) return [];
  await ensureStagingTable(client);
  let text = '';
  for (const point of points) text += `${copyLine(point)}\n`;
  await copyInto(
    client,
    'COPY incoming_points (time, metric, value, subject, source_id, attributes, event_id, received_at) FROM STDIN',
    text,
  );
  const { rows } = await client.query<{ event_id: string; time: Date }>({
    text: `INSERT INTO data_points (time, metric, value, subject, source_id, attributes, event_id, received_at)
           SELECT time, metric, value, subject, source_id, attributes, event_id, received_at FROM incoming_points
           ON CONFLICT (event_id, time) DO NOTHING
           RETURNING event_id, time`,
  });
  if (rows.length === points.length) return [...points];
  const inserted = new Set(rows.map((row) => pointKey(row.event_id, row.time.getTime())));
  return points.filter((point) => inserted.has(pointKey(point.eventId, point.timeMs)));
};
