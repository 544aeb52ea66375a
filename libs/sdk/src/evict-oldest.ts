export interface QueueBounds {
  maxQueueEvents: number;
  maxQueueBytes: number;
}

/**
 * How many entries to remove from the front (oldest) of a queue so that both bounds hold again.
 * Reads only the entries it evicts, so a full queue costs O(evicted) per new event.
 */
export const countOldestToEvict = (entries: readonly { bytes: number }[], totalBytes: number, bounds: QueueBounds): number => {
  let count = 0;
  let bytes = totalBytes;
  while (count < entries.length && (entries.length - count > bounds.maxQueueEvents || bytes > bounds.maxQueueBytes)) {
    bytes -= entries[count]?.bytes ?? 0;
    count += 1;
  }
  return count;
};
