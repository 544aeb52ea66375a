import { describe, expect, it } from 'vitest';
import { countOldestToEvict, type QueueBounds } from './evict-oldest';

const sized = (...bytes: number[]) => bytes.map((size) => ({ bytes: size }));
const total = (entries: { bytes: number }[]) => entries.reduce((sum, entry) => sum + entry.bytes, 0);

describe('countOldestToEvict', () => {
  it.each<[string, { bytes: number }[], QueueBounds, number]>([
    ['within both bounds', sized(10, 10, 10), { maxQueueEvents: 3, maxQueueBytes: 30 }, 0],
    ['one event over the count bound', sized(10, 10, 10, 10), { maxQueueEvents: 3, maxQueueBytes: 1_000 }, 1],
    ['over the byte bound: oldest go until it fits', sized(50, 10, 10, 10), { maxQueueEvents: 100, maxQueueBytes: 40 }, 1],
    ['small old events go before a big new one fits', sized(10, 10, 10, 35), { maxQueueEvents: 100, maxQueueBytes: 40 }, 3],
    ['a single event above the byte bound evicts everything', sized(10, 100), { maxQueueEvents: 100, maxQueueBytes: 40 }, 2],
  ])('%s', (_name, entries, bounds, expected) => {
    expect(countOldestToEvict(entries, total(entries), bounds)).toBe(expected);
  });
});
