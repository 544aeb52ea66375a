import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The processor's operational figures on :9102/metrics. */
export const createProcessorMetrics = (registry: Registry) => ({
  rowsWritten: new Counter({ name: 'processor_rows_written_total', help: 'data_points rows inserted', registers: [registry] }),
  dedupeHits: new Counter({
    name: 'processor_dedupe_hits_total',
    help: 'events already stored (replayed batches, duplicate ids): not stored or rolled up again',
    registers: [registry],
  }),
  erasedPoints: new Counter({
    name: 'processor_erased_points_total',
    help: 'events not stored because their subject was erased after they were received (in flight during the erasure)',
    registers: [registry],
  }),
  lateEvents: new Counter({
    name: 'processor_late_events_total',
    help: 'events whose 1-minute bucket was already closed when they arrived (merged in, bucket re-published)',
    registers: [registry],
  }),
  deadLetters: new Counter({
    name: 'processor_dead_letters_total',
    help: 'events sent to telemetry.dlq.v1 by the processor',
    labelNames: ['reason'],
    registers: [registry],
  }),
  rollupsWritten: new Counter({ name: 'processor_rollup_buckets_written_total', help: '1-minute buckets merged', labelNames: ['kind'], registers: [registry] }),
  rollupsPublished: new Counter({ name: 'processor_rollups_published_total', help: 'closed buckets published to metrics.rollup.v1', registers: [registry] }),
  batchDuration: new Histogram({
    name: 'processor_batch_duration_seconds',
    help: 'time to store one consumed batch (decode, insert, roll up, commit)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  }),
  batchEvents: new Histogram({
    name: 'processor_batch_events',
    help: 'events per consumed batch',
    buckets: [1, 10, 100, 1_000, 5_000, 20_000, 50_000, 100_000],
    registers: [registry],
  }),
  consumerLag: new Gauge({
    name: 'processor_consumer_lag_messages',
    help: 'telemetry.clean.v1 messages not yet committed by the processor group',
    labelNames: ['partition'],
    registers: [registry],
  }),
  jobFailures: new Counter({ name: 'processor_job_failures_total', help: 'periodic job runs that failed', labelNames: ['job'], registers: [registry] }),
});

export type ProcessorMetrics = ReturnType<typeof createProcessorMetrics>;
