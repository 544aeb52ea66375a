/**
 * @telemetry/sdk/node — the SDK for Node: the queue in a journal file (survives a restart of the
 * process) and gzip from zlib. A separate entry so that the browser bundle never sees Node modules.
 */
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { createTelemetry } from './create-telemetry';
import { createFileQueueStorage, type FileQueueStorageOptions } from './file-queue-storage';
import type { Compress, Telemetry, TelemetryOptions } from './telemetry-types';

export { createFileQueueStorage, type FileQueueStorageOptions } from './file-queue-storage';
export * from './index';

const gzipAsync = promisify(gzip);

export const gzipWithZlib: Compress = async (body) => new Uint8Array(await gzipAsync(body));

export interface NodeTelemetryOptions extends TelemetryOptions {
  /** The queue's journal file; default `.telemetry-queue.jsonl` in the working directory. Ignored when `storage` is given. */
  queueFile?: string;
  queueFileOptions?: FileQueueStorageOptions;
}

/**
 * A client for Node. Servers are not on metered links, so uploads are never deferred unless an
 * `isMetered` probe says otherwise (e.g. a device on a cellular modem).
 */
export const createNodeTelemetry = (options: NodeTelemetryOptions): Telemetry => {
  const { queueFile, queueFileOptions, ...telemetryOptions } = options;
  return createTelemetry({
    compress: gzipWithZlib,
    isMetered: () => false,
    ...telemetryOptions,
    storage: options.storage ?? createFileQueueStorage(queueFile ?? join(process.cwd(), '.telemetry-queue.jsonl'), queueFileOptions),
  });
};
