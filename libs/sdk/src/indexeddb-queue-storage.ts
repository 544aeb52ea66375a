import { browserGlobals, type IdbDatabase, type IdbFactory, type IdbRequest, type IdbTransaction } from './browser-apis';
import type { PersistedClientState, QueuedEvent, QueueStorage } from './telemetry-types';

const EVENTS_STORE = 'events';
const STATE_STORE = 'state';
const STATE_KEY = 'client';

const requestResult = <T>(request: IdbRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`IndexedDB request failed: ${request.error?.message ?? 'unknown'}`));
  });

const transactionDone = (transaction: IdbTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    const fail = () => reject(new Error(`IndexedDB transaction failed: ${transaction.error?.message ?? 'aborted'}`));
    transaction.onerror = fail;
    transaction.onabort = fail;
  });

const openDatabase = (factory: IdbFactory, name: string): Promise<IdbDatabase> =>
  new Promise((resolve, reject) => {
    const request = factory.open(name, 1);
    request.onupgradeneeded = () => {
      const database = request.result;
      if (!database.objectStoreNames.contains(EVENTS_STORE)) database.createObjectStore(EVENTS_STORE, { keyPath: 'event.id' });
      if (!database.objectStoreNames.contains(STATE_STORE)) database.createObjectStore(STATE_STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error(`IndexedDB open failed: ${request.error?.message ?? 'unknown'}`));
    request.onblocked = () => reject(new Error('IndexedDB open blocked by another tab holding an older version'));
  });

/**
 * The queue in IndexedDB: one record per event (keyed by its id) and one for the client state, so
 * each change writes only what changed and a closed tab or crashed browser loses nothing written.
 */
export const createIndexedDbQueueStorage = (databaseName = 'telemetry-sdk'): QueueStorage | undefined => {
  const factory = browserGlobals().indexedDB;
  if (factory === undefined) return undefined;
  let opened: Promise<IdbDatabase> | undefined;
  const database = () => (opened ??= openDatabase(factory, databaseName));
  return {
    load: async () => {
      const db = await database();
      const transaction = db.transaction([EVENTS_STORE, STATE_STORE], 'readonly');
      const [events, state] = await Promise.all([
        requestResult(transaction.objectStore(EVENTS_STORE).getAll()),
        requestResult(transaction.objectStore(STATE_STORE).get(STATE_KEY)),
      ]);
      const ordered = (events as QueuedEvent[]).sort((a, b) => a.seq - b.seq);
      return state === undefined ? { events: ordered } : { events: ordered, state: state as PersistedClientState };
    },
    put: async (entries) => {
      const transaction = (await database()).transaction([EVENTS_STORE], 'readwrite');
      const store = transaction.objectStore(EVENTS_STORE);
      for (const entry of entries) store.put(entry);
      await transactionDone(transaction);
    },
    remove: async (ids) => {
      const transaction = (await database()).transaction([EVENTS_STORE], 'readwrite');
      const store = transaction.objectStore(EVENTS_STORE);
      for (const id of ids) store.delete(id);
      await transactionDone(transaction);
    },
    saveState: async (state) => {
      const transaction = (await database()).transaction([STATE_STORE], 'readwrite');
      transaction.objectStore(STATE_STORE).put(state, STATE_KEY);
      await transactionDone(transaction);
    },
    close: async () => {
      if (opened !== undefined) (await opened).close();
      opened = undefined;
    },
  };
};
