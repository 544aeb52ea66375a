/** Attribute values the ingest contract accepts (ARCHITECTURE.md "Event"). */
export type SdkAttributes = Record<string, string | number | boolean>;

/**
 * One event as sent to `POST /v1/events`. Declared here rather than taken from libs/contracts so
 * the published type declarations stand alone; wire-event.spec.ts keeps the two in step.
 */
export interface WireEvent {
  id: string;
  metric: string;
  value: number;
  /** Epoch milliseconds. */
  timestamp: number;
  subjectId?: string;
  attributes?: SdkAttributes;
}

/** What the SDK needs to know about a metric; a catalog MetricDefinition has this shape too. */
export interface MetricPolicy {
  /** Consent purpose the subject must have granted; "none" for machine telemetry. */
  purpose?: string;
  /** Fraction of events kept, in [0, 1], decided before queueing. */
  sampleRate?: number;
  /** Urgent metrics are uploaded even on a metered connection. */
  urgent?: boolean;
}

/** A catalog as a map by metric name, or as a list of definitions (e.g. the API's `metrics` query). */
export type CatalogInput = Record<string, MetricPolicy> | readonly (MetricPolicy & { name: string })[];

/** An event waiting in the queue, with what the SDK decided about it when it was tracked. */
export interface QueuedEvent {
  /** Enqueue order; the queue is kept and evicted oldest (lowest seq) first. */
  seq: number;
  event: WireEvent;
  purpose: string;
  /** UTF-8 bytes of the event's JSON, so byte bounds need no re-encoding. */
  bytes: number;
  enqueuedAtMs: number;
  urgent: boolean;
  /** Waiting for its subject to grant its purpose (ungrantedEvents: 'hold'). */
  held: boolean;
}

/** A consent choice waiting to be recorded on the server (GraphQL `recordConsent`). */
export interface PendingConsent {
  subjectId: string;
  purposes: Record<string, boolean>;
}

/** Client state that must survive a restart besides the events themselves. */
export interface PersistedClientState {
  subjectId?: string;
  consentBySubject: Record<string, Record<string, boolean>>;
  pendingConsents: PendingConsent[];
  /** Evicted events not yet counted in an eviction report. */
  unreportedEvictedCount: number;
  /**
   * The eviction report being delivered (metric telemetry.sdk.evicted_events). Its id and
   * count are fixed when it is first sent, so a resend after an unknown outcome is the same event.
   */
  evictionReport?: { id: string; count: number };
}

export interface StoredQueue {
  events: QueuedEvent[];
  state?: PersistedClientState;
}

/**
 * Durable storage of the queue: IndexedDB in browsers, a journal file in Node, memory elsewhere.
 * `put` inserts or replaces by event id. Calls are issued one at a time, in order.
 */
export interface QueueStorage {
  load(): Promise<StoredQueue>;
  put(events: readonly QueuedEvent[]): Promise<void>;
  remove(ids: readonly string[]): Promise<void>;
  saveState(state: PersistedClientState): Promise<void>;
  close(): Promise<void>;
}

export type Compress = (body: Uint8Array) => Promise<Uint8Array>;
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: Uint8Array | string; keepalive?: boolean; signal?: AbortSignal }) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface TelemetryOptions {
  /** Base URL of the ingest service, e.g. "https://ingest.example.com"; events go to `${endpoint}/v1/events`. */
  endpoint: string;
  /** The source's API key (sent as `Authorization: Bearer`). */
  apiKey: string;
  catalog?: CatalogInput;
  /** Purpose of metrics the catalog does not list. Default "analytics". */
  defaultPurpose?: string;
  /** Per-metric sample rates; override the catalog's. */
  sampling?: Record<string, number>;
  /** Metrics uploaded even while the connection is metered; added to the catalog's `urgent`. */
  urgentMetrics?: readonly string[];
  /** Subject whose consent governs events, until setConsent names another. */
  subjectId?: string;
  /** Events for a purpose the subject has not granted: dropped (default) or held until granted. */
  ungrantedEvents?: 'drop' | 'hold';
  /** GraphQL endpoint whose `recordConsent` mutation records consent choices (e.g. "https://api.example.com/graphql"). */
  consentEndpoint?: string;
  /** Bearer token for the consent endpoint. */
  consentToken?: string;
  storage?: QueueStorage;
  /** Metered-connection probe; default: the browser's Network Information API (saveData, cellular). */
  isMetered?: () => boolean | Promise<boolean>;
  /** Gzip; default CompressionStream where the runtime has it, else bodies go uncompressed. */
  compress?: Compress;
  fetch?: FetchLike;
  batchMaxEvents?: number;
  /** Uncompressed JSON bytes per request; the ingest limit is 1 MiB. */
  batchMaxBytes?: number;
  batchMaxWaitMs?: number;
  maxQueueEvents?: number;
  maxQueueBytes?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  requestTimeoutMs?: number;
  /** While metered, upload anyway once the queue is this full (fraction of either bound). */
  meteredUploadFillRatio?: number;
  /** While metered, upload anyway once the oldest event is this old. */
  meteredMaxAgeMs?: number;
  /** How often a deferred upload re-checks the connection. */
  meteredRecheckMs?: number;
  onEvicted?: (evictedCount: number) => void;
  onError?: (error: Error) => void;
}

/** 'pending': tracked before the stored queue (and stored consent) loaded; decided right after. */
export type TrackOutcome = 'queued' | 'held' | 'pending' | 'dropped_no_consent' | 'sampled_out' | 'invalid';

export interface TrackOptions {
  subjectId?: string;
  /** Epoch milliseconds; default now. */
  timestamp?: number;
}

export interface TelemetryStats {
  queuedEvents: number;
  queuedBytes: number;
  heldEvents: number;
  sentEvents: number;
  rejectedEvents: number;
  evictedEvents: number;
  droppedNoConsent: number;
  purgedOnRevoke: number;
  sampledOut: number;
  invalidEvents: number;
  failedAttempts: number;
  /** Epoch ms before which no upload is tried (backoff, Retry-After); 0 when none. */
  retryAtMs: number;
}

export interface FlushResult {
  sentEvents: number;
  remainingEvents: number;
  /** Why events remain: 'metered', 'backoff', 'consent' (awaiting consent recording) or undefined. */
  blockedBy?: 'metered' | 'backoff' | 'consent';
}

export interface Telemetry {
  /** Resolves once the persisted queue was loaded; tracking before that is fine. */
  readonly ready: Promise<void>;
  track(metric: string, value: number, attributes?: SdkAttributes, options?: TrackOptions): TrackOutcome;
  setConsent(subjectId: string, purposes: Record<string, boolean>): Promise<void>;
  flush(): Promise<FlushResult>;
  shutdown(): Promise<void>;
  stats(): TelemetryStats;
}
