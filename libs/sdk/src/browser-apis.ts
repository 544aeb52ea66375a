/**
 * The few browser APIs the SDK uses, typed structurally: the repository compiles against Node's
 * types without the DOM library, and the SDK must run where any of these is missing.
 */
import type { ConnectionInfo } from './decide-upload';

export interface IdbRequest<T> {
  result: T;
  error: { message?: string } | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
export interface IdbOpenRequest extends IdbRequest<IdbDatabase> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}
export interface IdbObjectStore {
  put(value: unknown, key?: string): IdbRequest<unknown>;
  delete(key: string): IdbRequest<undefined>;
  get(key: string): IdbRequest<unknown>;
  getAll(): IdbRequest<unknown[]>;
}
export interface IdbTransaction {
  objectStore(name: string): IdbObjectStore;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  error: { message?: string } | null;
}
export interface IdbDatabase {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string, options?: { keyPath?: string }): unknown;
  transaction(storeNames: string[], mode: 'readonly' | 'readwrite'): IdbTransaction;
  close(): void;
}
export interface IdbFactory {
  open(name: string, version: number): IdbOpenRequest;
}

export interface EventTargetLike {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

export interface NetworkInformationLike extends ConnectionInfo, Partial<EventTargetLike> {}

interface StreamReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
}
interface StreamWriter {
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<void>;
}
export interface CompressionStreamLike {
  readable: { getReader(): StreamReader };
  writable: { getWriter(): StreamWriter };
}

interface BrowserGlobals {
  indexedDB?: IdbFactory;
  navigator?: { connection?: NetworkInformationLike };
  CompressionStream?: new (format: 'gzip') => CompressionStreamLike;
  document?: Partial<EventTargetLike> & { visibilityState?: string };
  addEventListener?: EventTargetLike['addEventListener'];
  removeEventListener?: EventTargetLike['removeEventListener'];
}

export const browserGlobals = (): BrowserGlobals => globalThis as BrowserGlobals;
