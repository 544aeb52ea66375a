import type { PersistedClientState, QueuedEvent, StoredQueue } from './telemetry-types';

/**
 * The Node queue file is an append-only journal, one JSON record per line, so each change costs one
 * small append (durable against a killed process once the append returned) instead of a rewrite:
 *   {"put":[QueuedEvent...]}   insert or replace by event id
 *   {"remove":["id",...]}
 *   {"state":PersistedClientState}
 */
export type JournalRecord = { put: QueuedEvent[] } | { remove: string[] } | { state: PersistedClientState };

export const formatJournalRecord = (record: JournalRecord): string => `${JSON.stringify(record)}\n`;

export interface ReplayedJournal extends StoredQueue {
  /** Records applied. */
  recordCount: number;
  /** Lines that could not be read: only a torn last line (a crash mid-append) is expected. */
  unreadableLines: number;
}

const isRecord = (value: unknown): value is JournalRecord =>
  typeof value === 'object' &&
  value !== null &&
  ((Array.isArray((value as { put?: unknown }).put)) ||
    Array.isArray((value as { remove?: unknown }).remove) ||
    (typeof (value as { state?: unknown }).state === 'object' && (value as { state?: unknown }).state !== null));

/** Replays a journal into the queue it describes, oldest event first. */
export const replayQueueJournal = (text: string): ReplayedJournal => {
  const events = new Map<string, QueuedEvent>();
  let state: PersistedClientState | undefined;
  let recordCount = 0;
  let unreadableLines = 0;
  for (const line of text.split('\n')) {
    if (line.trim().length === 0) continue;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch (error) {
      if (!(error instanceof SyntaxError)) throw error;
      unreadableLines += 1;
      continue;
    }
    if (!isRecord(record)) {
      unreadableLines += 1;
      continue;
    }
    recordCount += 1;
    if ('put' in record) for (const entry of record.put) events.set(entry.event.id, entry);
    else if ('remove' in record) for (const id of record.remove) events.delete(id);
    else state = record.state;
  }
  const ordered = [...events.values()].sort((a, b) => a.seq - b.seq);
  return state === undefined
    ? { events: ordered, recordCount, unreadableLines }
    : { events: ordered, state, recordCount, unreadableLines };
};

/** The journal rewritten as the smallest equivalent: one put of the live events and the state. */
export const compactJournal = (queue: StoredQueue): string =>
  (queue.events.length > 0 ? formatJournalRecord({ put: queue.events }) : '') +
  (queue.state === undefined ? '' : formatJournalRecord({ state: queue.state }));
