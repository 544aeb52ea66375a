import { Counter, Histogram, type Registry } from 'prom-client';

export type IngestRoute = 'events' | 'metrics';

/** The ingest's Prometheus metrics; labels are bounded sets (route, status, reason category). */
export class IngestMetrics {
  readonly requests: Counter<'route' | 'status'>;
  readonly eventsAccepted: Counter<'route'>;
  readonly eventsRejected: Counter<'route' | 'reason'>;
  readonly requestSeconds: Histogram<'route'>;
  readonly kafkaProduceSeconds: Histogram<'outcome'>;
  readonly authFailures: Counter<'reason'>;

  constructor(registry: Registry) {
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
  }
}

const EVENT_FIELDS: ReadonlySet<string> = new Set(['id', 'metric', 'value', 'timestamp', 'subjectId', 'attributes']);

/**
 * "events[3].attributes.region: must be …" → "invalid_attributes": the field, without index or
 * key, so the label's values stay a small fixed set whatever senders send.
 */
export const rejectionCategory = (reason: string): string => {
  const field = reason.replace(/^events\[\d+\]\.?/, '').split(/[.:[]/)[0] ?? '';
  return EVENT_FIELDS.has(field) ? `invalid_${field}` : 'invalid_event';
};
