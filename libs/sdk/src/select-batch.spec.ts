import { describe, expect, it } from 'vitest';
import { BATCH_ENVELOPE_BYTES, selectBatch, type BatchLimits } from './select-batch';
import type { QueuedEvent } from './telemetry-types';

const entry = (seq: number, overrides: Partial<QueuedEvent> & { subjectId?: string } = {}): QueuedEvent => {
  const { subjectId, ...rest } = overrides;
  return {
    seq,
    event: { id: `e${seq}`, metric: 'm.x', value: seq, timestamp: 0, ...(subjectId === undefined ? {} : { subjectId }) },
    purpose: 'analytics',
    bytes: 100,
    enqueuedAtMs: seq,
    urgent: false,
    held: false,
    ...rest,
  };
};
const limits = (partial: Partial<BatchLimits> = {}): BatchLimits => ({
  maxEvents: 10,
  maxBytes: 10_000,
  urgentOnly: false,
  blockedSubjects: new Set(),
  ...partial,
});
const ids = (batch: QueuedEvent[]) => batch.map((queued) => queued.event.id);

describe('selectBatch', () => {
  it.each<[string, QueuedEvent[], BatchLimits, string[]]>([
    ['oldest first, up to maxEvents', [0, 1, 2, 3].map((seq) => entry(seq)), limits({ maxEvents: 3 }), ['e0', 'e1', 'e2']],
    ['stops before the byte limit', [0, 1, 2].map((seq) => entry(seq)), limits({ maxBytes: BATCH_ENVELOPE_BYTES + 100 + 1 + 100 }), ['e0', 'e1']],
    ['one oversized event still goes alone', [entry(0, { bytes: 50_000 }), entry(1)], limits(), ['e0']],
    ['held events are skipped', [entry(0, { held: true }), entry(1)], limits(), ['e1']],
    ['metered: only urgent events', [entry(0), entry(1, { urgent: true }), entry(2)], limits({ urgentOnly: true }), ['e1']],
    ['subjects awaiting consent recording wait', [entry(0, { subjectId: 'u1' }), entry(1, { subjectId: 'u2' }), entry(2)], limits({ blockedSubjects: new Set(['u1']) }), ['e1', 'e2']],
    ['empty queue', [], limits(), []],
  ])('%s', (_name, queue, batchLimits, expected) => {
    expect(ids(selectBatch(queue, batchLimits))).toEqual(expected);
  });
});
