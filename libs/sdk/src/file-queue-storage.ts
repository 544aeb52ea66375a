import { mkdir, open, readFile, rename, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { compactJournal, formatJournalRecord, replayQueueJournal, type JournalRecord } from './replay-queue-journal';
import type { PersistedClientState, QueuedEvent, QueueStorage, StoredQueue } from './telemetry-types';

export interface FileQueueStorageOptions {
  /** Rewrite the journal once it has grown by this much since the last rewrite. */
  compactAfterBytes?: number;
  /** fdatasync after every append: survives power loss, not only a killed process, at a cost per write. */
  syncEachWrite?: boolean;
}

const isMissingFile = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'ENOENT';

/**
 * The queue as an append-only journal file (see replay-queue-journal.ts). One process owns a file:
 * two clients sharing one would interleave their records.
 */
export const createFileQueueStorage = (filePath: string, options: FileQueueStorageOptions = {}): QueueStorage => {
  const compactAfterBytes = options.compactAfterBytes ?? 4 * 1024 * 1024;
  const events = new Map<string, QueuedEvent>();
  let state: PersistedClientState | undefined;
  let handle: FileHandle | undefined;
  let appendedBytes = 0;

  const snapshot = (): StoredQueue => {
    const ordered = [...events.values()].sort((a, b) => a.seq - b.seq);
    return state === undefined ? { events: ordered } : { events: ordered, state };
  };

  /** Writes the live queue to a new file and renames it over the journal: a crash leaves one or the other. */
  const compact = async () => {
    await handle?.close();
    handle = undefined;
    const temporaryPath = `${filePath}.tmp`;
    const temporary = await open(temporaryPath, 'w');
    try {
      await temporary.writeFile(compactJournal(snapshot()));
      await temporary.datasync();
    } finally {
      await temporary.close();
    }
    await rename(temporaryPath, filePath);
    handle = await open(filePath, 'a');
    appendedBytes = 0;
  };

  const append = async (record: JournalRecord) => {
    const line = formatJournalRecord(record);
    handle ??= await open(filePath, 'a');
    await handle.appendFile(line);
    if (options.syncEachWrite === true) await handle.datasync();
    appendedBytes += line.length;
    if (appendedBytes >= compactAfterBytes) await compact();
  };

  return {
    load: async () => {
      await mkdir(dirname(filePath), { recursive: true });
      let text = '';
      try {
        text = await readFile(filePath, 'utf8');
      } catch (error) {
        if (!isMissingFile(error)) throw new Error(`reading the telemetry queue file ${filePath} failed`, { cause: error });
      }
      const replayed = replayQueueJournal(text);
      events.clear();
      for (const entry of replayed.events) events.set(entry.event.id, entry);
      state = replayed.state;
      // Start from a clean file: drops removed events and a torn last line from a crash.
      await compact();
      return snapshot();
    },
    put: async (entries) => {
      for (const entry of entries) events.set(entry.event.id, entry);
      await append({ put: [...entries] });
    },
    remove: async (ids) => {
      for (const id of ids) events.delete(id);
      await append({ remove: [...ids] });
    },
    saveState: async (next) => {
      state = next;
      await append({ state: next });
    },
    close: async () => {
      await handle?.close();
      handle = undefined;
    },
  };
};
