import { Counter, Gauge, type Registry } from 'prom-client';

/** The service's own figures on :9103/metrics. */
export interface AnomalyMetrics {
  seriesTracked: Gauge;
  pointsScored: Counter<'stream'>;
  pointsSkipped: Counter<'stream' | 'reason'>;
  anomalies: Counter<'detector' | 'severity'>;
  incidentsOpened: Counter;
  incidentsResolved: Counter<'how'>;
  checkpointsWritten: Counter;
  checkpointRestoreFailures: Counter;
  /** Seconds since the last successful checkpoint (since start, before the first one). */
  checkpointAge: Gauge;
  webhookDeliveries: Counter<'outcome'>;
  webhookFailures: Counter<'reason'>;
  webhookQueueDepth: Gauge;
  /** Called after every successful checkpoint. */
  markCheckpoint: () => void;
}

export const createAnomalyMetrics = (registry: Registry, series: () => number, queueDepth: () => number): AnomalyMetrics => {
  let lastCheckpointAtMs = Date.now();
  const registers = [registry];
  const metrics: AnomalyMetrics = {
    seriesTracked: new Gauge({
      name: 'anomaly_series_tracked',
      help: 'Series with a detector in memory on this instance',
      registers,
      collect() {
        this.set(series());
      },
    }),
    pointsScored: new Counter({ name: 'anomaly_points_scored_total', help: 'Points scored by a detector', labelNames: ['stream'], registers }),
    pointsSkipped: new Counter({
      name: 'anomaly_points_skipped_total',
      help: 'Points not scored: replays at or before the series checkpoint, or rejected input',
      labelNames: ['stream', 'reason'],
      registers,
    }),
    anomalies: new Counter({ name: 'anomaly_anomalies_total', help: 'Anomalies published', labelNames: ['detector', 'severity'], registers }),
    incidentsOpened: new Counter({ name: 'anomaly_incidents_opened_total', help: 'Incidents opened', registers }),
    incidentsResolved: new Counter({ name: 'anomaly_incidents_resolved_total', help: 'Incidents resolved by a quiet period', labelNames: ['how'], registers }),
    checkpointsWritten: new Counter({ name: 'anomaly_checkpoint_series_total', help: 'Series states written to detector_state', registers }),
    checkpointRestoreFailures: new Counter({ name: 'anomaly_checkpoint_restore_failures_total', help: 'Checkpoints that could not be resumed', registers }),
    checkpointAge: new Gauge({
      name: 'anomaly_checkpoint_age_seconds',
      help: 'Seconds since detector state was last checkpointed',
      registers,
      collect() {
        this.set((Date.now() - lastCheckpointAtMs) / 1_000);
      },
    }),
    webhookDeliveries: new Counter({ name: 'anomaly_webhook_deliveries_total', help: 'Webhook deliveries by final outcome', labelNames: ['outcome'], registers }),
    webhookFailures: new Counter({ name: 'anomaly_webhook_failures_total', help: 'Failed webhook attempts (each retry counts)', labelNames: ['reason'], registers }),
    webhookQueueDepth: new Gauge({
      name: 'anomaly_webhook_queue_depth',
      help: 'Webhook deliveries waiting or retrying',
      registers,
      collect() {
        this.set(queueDepth());
      },
    }),
    markCheckpoint: () => {
      lastCheckpointAtMs = Date.now();
    },
  };
  // Series that exist from the start, at 0, so dashboards and rate() see them before the first event.
  for (const stream of ['rollup', 'raw']) metrics.pointsScored.inc({ stream }, 0);
  for (const outcome of ['delivered', 'failed', 'dropped']) metrics.webhookDeliveries.inc({ outcome }, 0);
  return metrics;
};
