import { browserGlobals } from './browser-apis';
import { buildRecordConsentBody, mergePendingConsent, readGraphqlErrors } from './build-record-consent-request';
import { buildWireEvent } from './build-wire-event';
import { checkTrackInput } from './check-track-input';
import { classifyUploadResponse, type UploadOutcome } from './classify-upload-response';
import { compressionStreamGzip } from './compress-gzip';
import { computeRetryDelayMs } from './compute-retry-delay';
import { createEventId } from './create-event-id';
import { decideConsent, NO_CONSENT_PURPOSE } from './decide-consent';
import { decideUploadMode, isConnectionMetered, type UploadMode } from './decide-upload';
import { countOldestToEvict } from './evict-oldest';
import { createIndexedDbQueueStorage } from './indexeddb-queue-storage';
import { createMemoryQueueStorage } from './memory-queue-storage';
import { indexCatalog, isSampledIn, resolveMetricPolicy, type PolicyOverrides } from './resolve-metric-policy';
import { selectBatch } from './select-batch';
import type {
  FetchLike,
  FlushResult,
  PendingConsent,
  PersistedClientState,
  QueuedEvent,
  SdkAttributes,
  Telemetry,
  TelemetryOptions,
  TelemetryStats,
  TrackOptions,
  TrackOutcome,
  WireEvent,
} from './telemetry-types';

/**
 * Reported to the server when the bounded queue had to drop its oldest events (purpose "none"; in
 * examples/metrics.yaml). Not under telemetry.self.*: that namespace is reserved for the pipeline's
 * own services, and ingest refuses it from any sender.
 */
export const EVICTION_REPORT_METRIC = 'telemetry.sdk.evicted_events';

const SECOND_MS = 1_000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
/** Bodies smaller than this are sent as they are: gzip would cost more CPU than it saves bytes. */
const COMPRESS_MIN_BYTES = 1_024;

const DEFAULTS = {
  defaultPurpose: 'analytics',
  ungrantedEvents: 'drop' as 'drop' | 'hold',
  batchMaxEvents: 200,
  batchMaxBytes: 512 * 1024,
  batchMaxWaitMs: 5 * SECOND_MS,
  maxQueueEvents: 10_000,
  maxQueueBytes: 5 * 1024 * 1024,
  retryBaseMs: SECOND_MS,
  retryMaxMs: 5 * MINUTE_MS,
  requestTimeoutMs: 30 * SECOND_MS,
  meteredUploadFillRatio: 0.8,
  meteredMaxAgeMs: 6 * HOUR_MS,
  meteredRecheckMs: MINUTE_MS,
};

/** The ingest contract allows 1,000 events and 1 MiB per request. */
const INGEST_MAX_EVENTS = 1_000;
const INGEST_MAX_BYTES = 1024 * 1024;

const positive = (name: string, value: number, max = Number.POSITIVE_INFINITY): number => {
  if (!Number.isFinite(value) || value <= 0 || value > max) {
    throw new Error(`@telemetry/sdk: option ${name} must be a positive number${Number.isFinite(max) ? ` ≤ ${max}` : ''}, got ${value}`);
  }
  return value;
};

const resolveOptions = (options: TelemetryOptions) => {
  if (typeof options.endpoint !== 'string' || options.endpoint.length === 0) throw new Error('@telemetry/sdk: option endpoint is required');
  if (typeof options.apiKey !== 'string' || options.apiKey.length === 0) throw new Error('@telemetry/sdk: option apiKey is required');
  const merged = { ...DEFAULTS, ...options };
  return {
    ...merged,
    eventsUrl: `${options.endpoint.replace(/\/+$/, '')}/v1/events`,
    batchMaxEvents: positive('batchMaxEvents', merged.batchMaxEvents, INGEST_MAX_EVENTS),
    batchMaxBytes: positive('batchMaxBytes', merged.batchMaxBytes, INGEST_MAX_BYTES),
    batchMaxWaitMs: positive('batchMaxWaitMs', merged.batchMaxWaitMs),
    maxQueueEvents: positive('maxQueueEvents', merged.maxQueueEvents),
    maxQueueBytes: positive('maxQueueBytes', merged.maxQueueBytes),
    retryBaseMs: positive('retryBaseMs', merged.retryBaseMs),
    retryMaxMs: positive('retryMaxMs', merged.retryMaxMs),
    requestTimeoutMs: positive('requestTimeoutMs', merged.requestTimeoutMs),
    meteredUploadFillRatio: positive('meteredUploadFillRatio', merged.meteredUploadFillRatio, 1),
    meteredMaxAgeMs: positive('meteredMaxAgeMs', merged.meteredMaxAgeMs),
    meteredRecheckMs: positive('meteredRecheckMs', merged.meteredRecheckMs),
  };
};

const textEncoder = new TextEncoder();
const utf8Length = (text: string): number => textEncoder.encode(text).length;

const unrefTimer = (handle: ReturnType<typeof setTimeout>): void => {
  // Node: a pending upload timer must not keep a finished process alive; the queue is persisted.
  (handle as { unref?: () => void }).unref?.();
};

interface PreReadyCall {
  metric: string;
  value: number;
  attributes: SdkAttributes | undefined;
  subjectId: string | undefined;
  timestamp: number;
}

/**
 * The SDK client: consent first (nothing leaves for a purpose its subject has not granted),
 * sampled, queued durably with bounds, uploaded in gzip batches with backoff, deferred on metered
 * connections. One upload runs at a time and re-selects its batch from the queue on every attempt,
 * so an acknowledged event is never sent again and a purged one never goes.
 */
export const createTelemetry = (options: TelemetryOptions): Telemetry => {
  const config = resolveOptions(options);
  const storage = options.storage ?? createIndexedDbQueueStorage() ?? createMemoryQueueStorage();
  const compress = options.compress ?? compressionStreamGzip();
  const fetchImpl: FetchLike | undefined = options.fetch ?? (typeof fetch === 'function'
      ? // TextEncoder's and zlib's Uint8Array may sit on a SharedArrayBuffer as far as the types know; ours never do.
        (url, init) => fetch(url, { ...init, body: init.body as string | Uint8Array<ArrayBuffer> })
      : undefined);
  if (fetchImpl === undefined) throw new Error('@telemetry/sdk: no fetch in this runtime; pass options.fetch');
  const catalog = indexCatalog(options.catalog);
  const overrides: PolicyOverrides = {
    defaultPurpose: config.defaultPurpose,
    sampling: options.sampling ?? {},
    urgentMetrics: new Set(options.urgentMetrics ?? []),
  };
  const connection = browserGlobals().navigator?.connection;
  const probeMetered = options.isMetered ?? (() => isConnectionMetered(browserGlobals().navigator?.connection));
  const reportError = options.onError ?? ((error: Error) => console.warn(`[@telemetry/sdk] ${error.message}`));

  let queue: QueuedEvent[] = [];
  let queuedBytes = 0;
  let nextSeq = 0;
  let state: PersistedClientState = {
    ...(options.subjectId === undefined ? {} : { subjectId: options.subjectId }),
    consentBySubject: {},
    pendingConsents: [],
    unreportedEvictedCount: 0,
  };
  const counters = {
    sentEvents: 0,
    rejectedEvents: 0,
    evictedEvents: 0,
    droppedNoConsent: 0,
    purgedOnRevoke: 0,
    sampledOut: 0,
    invalidEvents: 0,
    failedAttempts: 0,
  };
  let uploadAttempt = 0;
  let retryAtMs = 0;
  let consentAttempt = 0;
  let consentRetryAtMs = 0;
  /** Lowered after a 413 until a batch goes through. */
  let currentBatchMaxEvents = config.batchMaxEvents;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timerAtMs = Number.POSITIVE_INFINITY;
  let loaded = false;
  let closed = false;
  const preReadyCalls: PreReadyCall[] = [];

  // Storage writes: changes of one tick are written together, in order, one write at a time.
  let pendingPuts = new Map<string, QueuedEvent>();
  let pendingRemoves = new Set<string>();
  let stateDirty = false;
  let writeScheduled = false;
  let writes: Promise<void> = Promise.resolve();

  const persist = (): Promise<void> => {
    if (!writeScheduled) {
      writeScheduled = true;
      writes = writes
        .then(async () => {
          writeScheduled = false;
          const puts = [...pendingPuts.values()];
          const removes = [...pendingRemoves];
          const saveState = stateDirty;
          pendingPuts = new Map();
          pendingRemoves = new Set();
          stateDirty = false;
          if (puts.length > 0) await storage.put(puts);
          if (removes.length > 0) await storage.remove(removes);
          if (saveState) await storage.saveState(state);
        })
        .catch((error: unknown) => reportError(new Error('writing the telemetry queue to storage failed', { cause: error })));
    }
    return writes;
  };

  const markState = () => {
    stateDirty = true;
    void persist();
  };

  const putEntry = (entry: QueuedEvent) => {
    pendingPuts.set(entry.event.id, entry);
    void persist();
  };

  /** Removes entries matching `predicate` from the queue and storage; returns them. */
  const removeWhere = (predicate: (entry: QueuedEvent) => boolean): QueuedEvent[] => {
    const removed: QueuedEvent[] = [];
    const kept: QueuedEvent[] = [];
    for (const entry of queue) (predicate(entry) ? removed : kept).push(entry);
    if (removed.length === 0) return removed;
    queue = kept;
    for (const entry of removed) {
      queuedBytes -= entry.bytes;
      pendingPuts.delete(entry.event.id);
      pendingRemoves.add(entry.event.id);
    }
    void persist();
    return removed;
  };

  const enforceBounds = () => {
    if (queue.length <= config.maxQueueEvents && queuedBytes <= config.maxQueueBytes) return;
    const evictCount = countOldestToEvict(queue, queuedBytes, config);
    const evicted = queue.splice(0, evictCount);
    for (const entry of evicted) {
      queuedBytes -= entry.bytes;
      pendingPuts.delete(entry.event.id);
      pendingRemoves.add(entry.event.id);
    }
    counters.evictedEvents += evictCount;
    state.unreportedEvictedCount += evictCount;
    markState();
    options.onEvicted?.(evictCount);
  };

  const now = () => Date.now();

  const scheduleUpload = (delayMs: number) => {
    if (closed) return;
    const atMs = Math.max(now() + delayMs, retryAtMs);
    if (timer !== undefined && timerAtMs <= atMs) return;
    if (timer !== undefined) clearTimeout(timer);
    timerAtMs = atMs;
    timer = setTimeout(() => {
      timer = undefined;
      timerAtMs = Number.POSITIVE_INFINITY;
      void runUploads();
    }, Math.max(0, atMs - now()));
    unrefTimer(timer);
  };

  /** Starts an upload soon when a batch is full, else within batchMaxWaitMs. */
  const scheduleForQueue = () => {
    let sendableEvents = 0;
    let sendableBytes = 0;
    for (const entry of queue) {
      if (entry.held) continue;
      sendableEvents += 1;
      sendableBytes += entry.bytes;
      if (sendableEvents >= config.batchMaxEvents || sendableBytes >= config.batchMaxBytes) {
        scheduleUpload(0);
        return;
      }
    }
    if (sendableEvents > 0) scheduleUpload(config.batchMaxWaitMs);
  };

  const enqueue = (call: PreReadyCall): TrackOutcome => {
    const subjectId = call.subjectId ?? state.subjectId;
    if (checkTrackInput(call.metric, call.value, call.attributes, subjectId) !== undefined) {
      counters.invalidEvents += 1;
      return 'invalid';
    }
    const policy = resolveMetricPolicy(call.metric, catalog, overrides);
    const consent = subjectId === undefined ? undefined : state.consentBySubject[subjectId];
    const decision = decideConsent(policy.purpose, consent, config.ungrantedEvents);
    if (decision === 'drop') {
      counters.droppedNoConsent += 1;
      return 'dropped_no_consent';
    }
    if (!isSampledIn(policy.sampleRate, Math.random())) {
      counters.sampledOut += 1;
      return 'sampled_out';
    }
    const event = buildWireEvent({ ...call, id: createEventId(), subjectId, purpose: policy.purpose });
    const entry: QueuedEvent = {
      seq: nextSeq++,
      event,
      purpose: policy.purpose,
      bytes: utf8Length(JSON.stringify(event)),
      enqueuedAtMs: now(),
      urgent: policy.urgent,
      held: decision === 'hold',
    };
    queue.push(entry);
    queuedBytes += entry.bytes;
    putEntry(entry);
    enforceBounds();
    if (!entry.held) scheduleForQueue();
    return entry.held ? 'held' : 'queued';
  };

  const ready: Promise<void> = storage
    .load()
    .then(
      (stored) => {
        queue = [...stored.events].sort((a, b) => a.seq - b.seq);
        queuedBytes = queue.reduce((sum, entry) => sum + entry.bytes, 0);
        nextSeq = queue.reduce((max, entry) => Math.max(max, entry.seq + 1), 0);
        if (stored.state !== undefined) {
          const evictedBeforeLoad = state.unreportedEvictedCount;
          state = { ...stored.state, ...(options.subjectId === undefined ? {} : { subjectId: options.subjectId }) };
          state.unreportedEvictedCount += evictedBeforeLoad;
        }
      },
      (error: unknown) => reportError(new Error('loading the stored telemetry queue failed; starting empty', { cause: error })),
    )
    .then(() => {
      loaded = true;
      for (const call of preReadyCalls.splice(0)) enqueue(call);
      enforceBounds();
      if (state.unreportedEvictedCount > 0) markState();
      if (queue.length > 0 || state.pendingConsents.length > 0) scheduleUpload(0);
    });

  const sendBatch = async (events: WireEvent[]): Promise<UploadOutcome> => {
    const json = textEncoder.encode(JSON.stringify({ events }));
    const headers: Record<string, string> = { 'content-type': 'application/json', authorization: `Bearer ${config.apiKey}` };
    let body: Uint8Array = json;
    if (compress !== undefined && json.length >= COMPRESS_MIN_BYTES) {
      body = await compress(json);
      headers['content-encoding'] = 'gzip';
    }
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), config.requestTimeoutMs);
    try {
      const response = await fetchImpl(config.eventsUrl, { method: 'POST', headers, body, signal: abort.signal });
      const text = await response.text();
      return classifyUploadResponse(response.status, response.headers.get('retry-after'), text, now());
    } catch (error) {
      // No answer: the outcome is unknown, so the same ids go again and ingest stores them once.
      return { kind: 'retry', reason: `network: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      clearTimeout(timeout);
    }
  };

  const postConsent = async (consent: PendingConsent): Promise<{ ok: true } | { ok: false; reason: string; retryAfterMs?: number }> => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (config.consentToken !== undefined) headers['authorization'] = `Bearer ${config.consentToken}`;
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(), config.requestTimeoutMs);
    try {
      const response = await fetchImpl(config.consentEndpoint ?? '', {
        method: 'POST',
        headers,
        body: buildRecordConsentBody(consent),
        signal: abort.signal,
      });
      const text = await response.text();
      if (response.status < 200 || response.status >= 300) {
        const outcome = classifyUploadResponse(response.status, response.headers.get('retry-after'), text, now());
        return outcome.kind === 'retry' && outcome.retryAfterMs !== undefined
          ? { ok: false, reason: `http_${response.status}`, retryAfterMs: outcome.retryAfterMs }
          : { ok: false, reason: `http_${response.status}` };
      }
      const errors = readGraphqlErrors(text);
      return errors.length === 0 ? { ok: true } : { ok: false, reason: errors.join('; ') };
    } catch (error) {
      return { ok: false, reason: `network: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      clearTimeout(timeout);
    }
  };

  /** Records pending consent choices on the server, oldest first; stops at the first failure. */
  const sendPendingConsents = async () => {
    if (config.consentEndpoint === undefined || now() < consentRetryAtMs) return;
    for (const consent of [...state.pendingConsents]) {
      const result = await postConsent(consent);
      if (!result.ok) {
        consentAttempt += 1;
        const delayMs = computeRetryDelayMs(consentAttempt, result.retryAfterMs, config, Math.random());
        consentRetryAtMs = now() + delayMs;
        reportError(new Error(`recording consent failed (${result.reason}); retrying in ${delayMs} ms`));
        scheduleUpload(delayMs);
        return;
      }
      consentAttempt = 0;
      // A choice made while this one was in flight was merged into a new object: keep that one.
      state.pendingConsents = state.pendingConsents.filter((entry) => entry !== consent);
      markState();
    }
  };

  const blockedSubjects = (): Set<string> =>
    new Set(config.consentEndpoint === undefined ? [] : state.pendingConsents.map((consent) => consent.subjectId));

  const evictionReportEvent = (): WireEvent | undefined => {
    if (state.evictionReport === undefined && state.unreportedEvictedCount > 0) {
      state.evictionReport = { id: createEventId(), count: state.unreportedEvictedCount };
      state.unreportedEvictedCount = 0;
      markState();
    }
    const report = state.evictionReport;
    return report === undefined ? undefined : { id: report.id, metric: EVICTION_REPORT_METRIC, value: report.count, timestamp: now() };
  };

  const remainingResult = (sentEvents: number, mode: UploadMode | undefined, blocked: ReadonlySet<string>): FlushResult => {
    const waiting = queue.filter((entry) => !entry.held);
    const result: FlushResult = { sentEvents, remainingEvents: waiting.length };
    if (waiting.length === 0) return result;
    if (now() < retryAtMs) return { ...result, blockedBy: 'backoff' };
    if (mode === 'urgent_only') return { ...result, blockedBy: 'metered' };
    if (waiting.some((entry) => entry.event.subjectId !== undefined && blocked.has(entry.event.subjectId))) {
      return { ...result, blockedBy: 'consent' };
    }
    return result;
  };

  /** Sends batches until nothing more may go now; schedules the next try when something waits. */
  const uploadPass = async (): Promise<FlushResult> => {
    await ready;
    await sendPendingConsents();
    let sentEvents = 0;
    for (;;) {
      const blocked = blockedSubjects();
      if (now() < retryAtMs) {
        // A timer set before the backoff started may fire early: make sure one waits for its end.
        scheduleUpload(retryAtMs - now());
        return remainingResult(sentEvents, undefined, blocked);
      }
      const oldest = queue.find((entry) => !entry.held);
      const mode = decideUploadMode({
        isMetered: await probeMetered(),
        queuedEvents: queue.length,
        queuedBytes,
        maxQueueEvents: config.maxQueueEvents,
        maxQueueBytes: config.maxQueueBytes,
        meteredUploadFillRatio: config.meteredUploadFillRatio,
        oldestAgeMs: oldest === undefined ? 0 : now() - oldest.enqueuedAtMs,
        meteredMaxAgeMs: config.meteredMaxAgeMs,
      });
      const batch = selectBatch(queue, {
        maxEvents: currentBatchMaxEvents,
        maxBytes: config.batchMaxBytes,
        urgentOnly: mode === 'urgent_only',
        blockedSubjects: blocked,
      });
      if (batch.length === 0) {
        const result = remainingResult(sentEvents, mode, blocked);
        if (result.blockedBy === 'metered' && oldest !== undefined) {
          const untilMaxAgeMs = config.meteredMaxAgeMs - (now() - oldest.enqueuedAtMs);
          scheduleUpload(Math.max(0, Math.min(config.meteredRecheckMs, untilMaxAgeMs)));
        }
        return result;
      }
      const events = batch.map((entry) => entry.event);
      const report = evictionReportEvent();
      if (report !== undefined) events.push(report);
      const outcome = await sendBatch(events);
      const batchIds = new Set(events.map((event) => event.id));
      switch (outcome.kind) {
        case 'acked': {
          removeWhere((entry) => batchIds.has(entry.event.id));
          counters.sentEvents += batch.length;
          counters.rejectedEvents += outcome.rejected.length;
          sentEvents += batch.length;
          if (report !== undefined) {
            delete state.evictionReport;
            markState();
          }
          if (outcome.rejected.length > 0) {
            const reasons = [...new Set(outcome.rejected.map((rejected) => rejected.reason))].join(', ');
            reportError(new Error(`ingest rejected ${outcome.rejected.length} event(s): ${reasons}`));
          }
          uploadAttempt = 0;
          currentBatchMaxEvents = config.batchMaxEvents;
          break;
        }
        case 'retry': {
          uploadAttempt += 1;
          counters.failedAttempts += 1;
          const delayMs = computeRetryDelayMs(uploadAttempt, outcome.retryAfterMs, config, Math.random());
          retryAtMs = now() + delayMs;
          reportError(new Error(`upload of ${events.length} event(s) failed (${outcome.reason}); retrying in ${delayMs} ms`));
          scheduleUpload(delayMs);
          return remainingResult(sentEvents, mode, blocked);
        }
        case 'split': {
          if (batch.length > 1) {
            currentBatchMaxEvents = Math.max(1, Math.floor(batch.length / 2));
            break;
          }
          const [tooLarge] = removeWhere((entry) => batchIds.has(entry.event.id));
          counters.rejectedEvents += 1;
          reportError(new Error(`ingest refused event ${tooLarge?.event.id ?? '?'} as too large; dropped`));
          break;
        }
        case 'discard': {
          removeWhere((entry) => batchIds.has(entry.event.id));
          counters.rejectedEvents += batch.length;
          reportError(new Error(`ingest refused a batch of ${batch.length} event(s) (${outcome.reason}); dropped`));
          break;
        }
      }
    }
  };

  let inFlight: Promise<FlushResult> | undefined;
  let runAgain = false;
  const runUploads = (): Promise<FlushResult> => {
    if (inFlight !== undefined) {
      runAgain = true;
      return inFlight;
    }
    inFlight = (async () => {
      let sentEvents = 0;
      let result: FlushResult;
      do {
        runAgain = false;
        result = await uploadPass();
        sentEvents += result.sentEvents;
      } while (runAgain);
      return { ...result, sentEvents };
    })().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };

  // Browsers: a connection that stops being metered, or coming back online, is worth an immediate try.
  const onConnectionChange = () => scheduleUpload(0);
  const onOnline = () => {
    retryAtMs = 0;
    scheduleUpload(0);
  };
  connection?.addEventListener?.('change', onConnectionChange);
  browserGlobals().addEventListener?.('online', onOnline);

  const track = (metric: string, value: number, attributes?: SdkAttributes, trackOptions?: TrackOptions): TrackOutcome => {
    if (closed) {
      counters.invalidEvents += 1;
      reportError(new Error(`track("${metric}") after shutdown: dropped`));
      return 'invalid';
    }
    const call: PreReadyCall = { metric, value, attributes, subjectId: trackOptions?.subjectId, timestamp: trackOptions?.timestamp ?? now() };
    if (!loaded) {
      preReadyCalls.push(call);
      // Storage that never opens (e.g. IndexedDB blocked) must not grow memory without bound either.
      if (preReadyCalls.length > config.maxQueueEvents) {
        preReadyCalls.shift();
        counters.evictedEvents += 1;
        state.unreportedEvictedCount += 1;
        options.onEvicted?.(1);
      }
      return 'pending';
    }
    return enqueue(call);
  };

  const setConsent = async (subjectId: string, purposes: Record<string, boolean>): Promise<void> => {
    if (typeof subjectId !== 'string' || subjectId.length === 0) throw new Error('@telemetry/sdk: setConsent needs a subjectId');
    await ready;
    state.subjectId = subjectId;
    state.consentBySubject = { ...state.consentBySubject, [subjectId]: { ...state.consentBySubject[subjectId], ...purposes } };
    // Events tracked before anyone was identified belong to whoever decides about them first.
    const concerns = (entry: QueuedEvent, purpose: string) =>
      entry.purpose === purpose && (entry.event.subjectId === subjectId || entry.event.subjectId === undefined);
    for (const [purpose, granted] of Object.entries(purposes)) {
      if (purpose === NO_CONSENT_PURPOSE) continue;
      if (!granted) {
        counters.purgedOnRevoke += removeWhere((entry) => concerns(entry, purpose)).length;
        continue;
      }
      for (const [index, entry] of queue.entries()) {
        if (!entry.held || !concerns(entry, purpose)) continue;
        const event: WireEvent = { ...entry.event, subjectId };
        const released: QueuedEvent = { ...entry, event, held: false, bytes: utf8Length(JSON.stringify(event)) };
        queuedBytes += released.bytes - entry.bytes;
        queue[index] = released;
        putEntry(released);
      }
    }
    if (config.consentEndpoint !== undefined) {
      state.pendingConsents = mergePendingConsent(state.pendingConsents, { subjectId, purposes: { ...purposes } });
      consentRetryAtMs = 0;
    }
    markState();
    await persist();
    scheduleUpload(0);
  };

  /** Uploads what may go now; resolves once the stored queue matches what is left. */
  const flush = async (): Promise<FlushResult> => {
    await ready;
    const result = await runUploads();
    await persist();
    return result;
  };

  const shutdown = async (): Promise<void> => {
    if (closed) return;
    await flush();
    closed = true;
    if (timer !== undefined) clearTimeout(timer);
    connection?.removeEventListener?.('change', onConnectionChange);
    browserGlobals().removeEventListener?.('online', onOnline);
    await persist();
    await storage.close();
  };

  const stats = (): TelemetryStats => {
    const held = queue.filter((entry) => entry.held).length;
    return { ...counters, queuedEvents: queue.length, queuedBytes, heldEvents: held, retryAtMs: now() < retryAtMs ? retryAtMs : 0 };
  };

  return { ready, track, setConsent, flush, shutdown, stats };
};
