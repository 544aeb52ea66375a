import { describe, expect, it } from 'vitest';
import { compactJournal, formatJournalRecord, replayQueueJournal } from './replay-queue-journal';
import type { PersistedClientState, QueuedEvent } from './telemetry-types';

const queued = (seq: number): QueuedEvent => ({
  seq,
  event: { id: `e${seq}`, metric: 'm.x', value: seq, timestamp: 0 },
  purpose: 'none',
  bytes: 60,
  enqueuedAtMs: 0,
  urgent: false,
  held: false,
});
const state: PersistedClientState = { subjectId: 'u1', consentBySubject: { u1: { analytics: true } }, pendingConsents: [], unreportedEvictedCount: 2 };

describe('replayQueueJournal', () => {
  it.each<[string, string, string[], number]>([
    ['empty file', '', [], 0],
    ['puts and a remove', formatJournalRecord({ put: [queued(0), queued(1)] }) + formatJournalRecord({ remove: ['e0'] }), ['e1'], 0],
    ['a put replaces by id and keeps seq order', formatJournalRecord({ put: [queued(2), queued(1)] }) + formatJournalRecord({ put: [{ ...queued(1), held: true }] }), ['e1', 'e2'], 0],
    ['a torn last line (crash mid-append) is skipped', formatJournalRecord({ put: [queued(0)] }) + '{"put":[{"seq":1,"ev', ['e0'], 1],
    ['an unknown record is skipped', formatJournalRecord({ put: [queued(0)] }) + '{"other":1}\n', ['e0'], 1],
  ])('%s', (_name, text, expectedIds, expectedUnreadable) => {
    const replayed = replayQueueJournal(text);
    expect(replayed.events.map((entry) => entry.event.id)).toEqual(expectedIds);
    expect(replayed.unreadableLines).toBe(expectedUnreadable);
  });

  it('keeps the latest state record', () => {
    const text = formatJournalRecord({ state: { ...state, subjectId: 'old' } }) + formatJournalRecord({ state });
    expect(replayQueueJournal(text).state).toEqual(state);
  });

  it('compaction replays to the same queue', () => {
    const text = formatJournalRecord({ put: [queued(0), queued(1), queued(2)] }) + formatJournalRecord({ remove: ['e1'] }) + formatJournalRecord({ state });
    const replayed = replayQueueJournal(text);
    const again = replayQueueJournal(compactJournal(replayed));
    expect(again.events).toEqual(replayed.events);
    expect(again.state).toEqual(state);
    expect(again.recordCount).toBe(2);
  });
});
