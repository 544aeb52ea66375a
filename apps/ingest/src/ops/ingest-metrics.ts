import { TIMESTAMP_OUT_OF_RANGE } from '@telemetry/contracts';
import { RecentCounts, RecentRates } from '@telemetry/kafka';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { AuthFailureReason } from '../auth/authenticate-source';
import { RESERVED_METRIC_REASON } from '../events/refuse-reserved-metrics';

export type IngestRoute = 'events' | 'metrics';

const AUTH_FAILURE_REASONS: readonly AuthFailureReason[] = ['missing_key', 'invalid_key'];
const MINUTE_MS = 60 * 1_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface SourceTallyOptions {
  /** A source that sent nothing for this long stops being reported (SELF_TELEMETRY_FORGET_AFTER_MS). */
  forgetAfterMs: number;
  /** Volume is a rate over this trailing window (SELF_TELEMETRY_VOLUME_WINDOW_MS). */
  volumeWindowMs: number;
}

/**
 * The ingest's Prometheus metrics; labels are bounded sets (route, status, reason category). Per
 * source figures (one series per source) are kept beside them for telemetry.self.* only, where
 * a source that stops sending must keep a series (at 0) rather than vanish.
 */
export class IngestMetrics {
  readonly requests: Counter<'route' | 'status'>;
  readonly eventsAccepted: Counter<'route'>;
  readonly eventsRejected: Counter<'route' | 'reason'>;
  readonly requestSeconds: Histogram<'route'>;
  readonly kafkaProduceSeconds: Histogram<'outcome'>;
  readonly authFailures: Counter<'reason'>;
  /** Accepted events per second per source, over a trailing window. */
  readonly sourceVolume: RecentRates;
  /** Refused events per (reason category, source) since the last self-telemetry report. */
  readonly sourceRejections: RecentCounts;

  constructor(registry: Registry, sources: SourceTallyOptions = { forgetAfterMs: HOUR_MS, volumeWindowMs: 5 * MINUTE_MS }) {
    this.requests = new Counter({
      name: 'ingest_requests_total',
      help: 'HTTP ingest requests by route and status code',
      labelNames: ['route', 'status'],
      registers: [registry],
    });
    this.eventsAccepted = new Counter({
      name: 'ingest_events_accepted_total',
      help: 'Events acknowledged by Kafka and answered 202/200',
      labelNames: ['route'],
      registers: [registry],
    });
    this.eventsRejected = new Counter({
      name: 'ingest_events_rejected_total',
      help: 'Events refused, by reason (the invalid field, or the request-level refusal)',
      labelNames: ['route', 'reason'],
      registers: [registry],
    });
    this.requestSeconds = new Histogram({
      name: 'ingest_request_duration_seconds',
      help: 'Time from request start to response',
      labelNames: ['route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    });
    this.kafkaProduceSeconds = new Histogram({
      name: 'ingest_kafka_produce_duration_seconds',
      help: 'Time for one Kafka produce request (acks = all) carrying one or more envelopes',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [registry],
    });
    this.authFailures = new Counter({
      name: 'ingest_auth_failures_total',
      help: 'Requests refused with 401',
      labelNames: ['reason'],
      registers: [registry],
    });
    // At 0 from the start: the self-telemetry detector learns a baseline before the first burst.
    for (const reason of AUTH_FAILURE_REASONS) this.authFailures.inc({ reason }, 0);
    this.sourceVolume = new RecentRates({ forgetAfterMs: sources.forgetAfterMs, windowMs: sources.volumeWindowMs });
    this.sourceRejections = new RecentCounts({ forgetAfterMs: sources.forgetAfterMs });
  }

  /** A request's events: accepted and refused (by reason category), for /metrics and per source. */
  countEvents(route: IngestRoute, sourceId: string, accepted: number, rejectionReasons: readonly string[]): void {
    if (accepted > 0) {
      this.eventsAccepted.inc({ route }, accepted);
      this.sourceVolume.add({ source: sourceId }, accepted);
    }
    for (const reason of rejectionReasons) {
      const category = rejectionCategory(reason);
      this.eventsRejected.inc({ route, reason: category });
      this.sourceRejections.add({ reason: category, source: sourceId }, 1);
    }
  }

  /** A request refused as a whole for the source's rate: all its events count as rejected. */
  countRateLimited(route: IngestRoute, sourceId: string, eventCount: number): void {
    this.eventsRejected.inc({ route, reason: 'rate_limited' }, eventCount);
    this.sourceRejections.add({ reason: 'rate_limited', source: sourceId }, eventCount);
  }
}

const EVENT_FIELDS: ReadonlySet<string> = new Set(['id', 'metric', 'value', 'timestamp', 'subjectId', 'attributes']);

/**
 * "events[3].attributes.region: must be …" → "invalid_attributes": the field, without index or
 * key, so the label's values stay a small fixed set whatever senders send.
 */
export const rejectionCategory = (reason: string): string => {
  const withoutIndex = reason.replace(/^events\[\d+\]\.?/, '');
  // Not a bad field but a name only the pipeline may use: counted apart, so a spoofing sender shows.
  if (withoutIndex.startsWith(`metric: ${RESERVED_METRIC_REASON}`)) return RESERVED_METRIC_REASON;
  // Counted under the privacy filter's name for it: the same events, refused one stage earlier.
  if (withoutIndex.startsWith(`timestamp: ${TIMESTAMP_OUT_OF_RANGE}`)) return TIMESTAMP_OUT_OF_RANGE;
  const field = withoutIndex.split(/[.:[]/)[0] ?? '';
  return EVENT_FIELDS.has(field) ? `invalid_${field}` : 'invalid_event';
};
