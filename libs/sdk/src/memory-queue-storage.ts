import type { PersistedClientState, QueuedEvent, QueueStorage, StoredQueue } from './telemetry-types';

/** Storage for runtimes with neither IndexedDB nor a file system: the queue lives as long as the process. */
export const createMemoryQueueStorage = (): QueueStorage => {
  const events = new Map<string, QueuedEvent>();
  let state: PersistedClientState | undefined;
  return {
    load: async (): Promise<StoredQueue> => (state === undefined ? { events: [...events.values()] } : { events: [...events.values()], state }),
    put: async (entries) => {
      for (const entry of entries) events.set(entry.event.id, entry);
    },
    remove: async (ids) => {
      for (const id of ids) events.delete(id);
    },
    saveState: async (next) => {
      state = next;
    },
    close: async () => undefined,
  };
};
