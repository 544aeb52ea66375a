import type { QueuedEvent } from './telemetry-types';

export interface BatchLimits {
  maxEvents: number;
  /** Uncompressed request bytes. */
  maxBytes: number;
  /** On a metered connection, only urgent events may go. */
  urgentOnly: boolean;
  /** Subjects whose consent choice is not yet recorded on the server. */
  blockedSubjects: ReadonlySet<string>;
}

/** `{"events":[` + `]}`. */
export const BATCH_ENVELOPE_BYTES = 12;

export const isSendable = (entry: QueuedEvent, limits: Pick<BatchLimits, 'urgentOnly' | 'blockedSubjects'>): boolean =>
  !entry.held &&
  (!limits.urgentOnly || entry.urgent) &&
  (entry.event.subjectId === undefined || !limits.blockedSubjects.has(entry.event.subjectId));

/**
 * The oldest sendable events that fit the request limits. One event is always taken even when it
 * alone exceeds maxBytes, so an oversized event is answered (413, then dropped) instead of
 * blocking the queue forever.
 */
export const selectBatch = (queue: readonly QueuedEvent[], limits: BatchLimits): QueuedEvent[] => {
  const batch: QueuedEvent[] = [];
  let bytes = BATCH_ENVELOPE_BYTES;
  for (const entry of queue) {
    if (batch.length >= limits.maxEvents) break;
    if (!isSendable(entry, limits)) continue;
    const withSeparator = entry.bytes + (batch.length > 0 ? 1 : 0);
    if (batch.length > 0 && bytes + withSeparator > limits.maxBytes) break;
    batch.push(entry);
    bytes += withSeparator;
  }
  return batch;
};
