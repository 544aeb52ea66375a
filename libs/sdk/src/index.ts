/**
 * @telemetry/sdk — the client SDK for browsers and other JavaScript runtimes: consent first,
 * sampled, batched, gzip-compressed, queued durably (IndexedDB) with bounds, retried with
 * backoff, deferred on metered connections. Node's file queue and zlib live in ./node.
 * Imports no Node module and nothing from libs/contracts at run time (TypeBox stays out of the
 * bundle): the contract rules it applies are copied, and its specs check the copies.
 */
export { createTelemetry, EVICTION_REPORT_METRIC } from './create-telemetry';
export { createIndexedDbQueueStorage } from './indexeddb-queue-storage';
export { createMemoryQueueStorage } from './memory-queue-storage';
export { compressionStreamGzip } from './compress-gzip';
export { NO_CONSENT_PURPOSE } from './decide-consent';
export type {
  CatalogInput,
  Compress,
  FetchLike,
  FlushResult,
  MetricPolicy,
  PendingConsent,
  PersistedClientState,
  QueuedEvent,
  QueueStorage,
  SdkAttributes,
  StoredQueue,
  Telemetry,
  TelemetryOptions,
  TelemetryStats,
  TrackOptions,
  TrackOutcome,
  WireEvent,
} from './telemetry-types';
