import { Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { DetectorConfig } from '@telemetry/anomaly';
import { seriesMessageKey, type AnomalyRecord, type MetricDefinition } from '@telemetry/contracts';
import { createPool, postgresReadinessCheck } from '@telemetry/db';
import {
  BatchProducer,
  counterIncreases,
  createConsumerLagCollector,
  createKafka,
  deadLetterMessage,
  ensureTopics,
  kafkaReadinessCheck,
  SELF_METRIC_DEFINITIONS,
  SELF_METRIC_PREFIX,
  SELF_SOURCE_ID,
  selfMetricDefinition,
  startBatchConsumer,
  startCatalogClient,
  startSelfTelemetry,
  topicNames,
  topicSpecs,
  type BatchContext,
  type CatalogClient,
  type ConsumedMessage,
  type ConsumerLagCollector,
  type OutgoingMessage,
  type RunningConsumer,
  type SelfMeasurement,
  type SelfTelemetry,
  type TopicNames,
} from '@telemetry/kafka';
import type { Logger, ReadinessCheck } from '@telemetry/service-runtime';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { parseDetectorOverrides, parseOwnerWebhooks, requireWebhookSecret, type AnomalyConfig } from '../config';
import { AnomalyStoreRepository } from '../incidents/anomaly-store.repository';
import type { Incident } from '../incidents/incident';
import type { IncidentChange } from '../incidents/plan-incident-updates';
import { autoResolveQuiet } from '../incidents/transition-incident';
import { buildNotification, type NotificationEvent } from '../notifications/build-notification';
import { WebhookNotifier } from '../notifications/webhook-notifier';
import { webhookTargets } from '../notifications/webhook-targets';
import { createAnomalyMetrics, type AnomalyMetrics } from '../ops/anomaly-metrics';
import { toAnomalyRecord } from './build-anomaly';
import { DetectorStateRepository } from './detector-state.repository';
import { detectorSettingsFor } from './detector-settings-for';
import { PartitionLocks } from './partition-locks';
import { scorePoints } from './score-points';
import { SeriesDetectors } from './series-detectors';
import { cleanEnvelopeToPoints, rollupToPoint, type DetectorStream, type RejectedInput, type ScoredPoint } from './to-scored-points';

const SWEEP_BATCH_SIZE = 1_000;
const NOTIFIER_DRAIN_TIMEOUT_MS = 5_000;

interface DecodedBatch {
  points: ScoredPoint[];
  /** Dead letters are keyed like the message they came from (source id, or metric|series for rollups). */
  rejected: (RejectedInput & { sourceId: string })[];
}

/**
 * The anomaly worker: consumes metrics.rollup.v1 (and telemetry.clean.v1 for high-resolution
 * metrics), scores each series with its own detector, stores and publishes anomalies, groups them
 * into incidents and notifies. Series are owned through the partitions of their topic: their
 * detectors are loaded from detector_state when a partition is assigned and checkpointed
 * periodically, when a partition is revoked and at shutdown.
 */
@Injectable()
export class DetectionService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  readonly detectors: SeriesDetectors;
  readonly metrics: AnomalyMetrics;
  readonly readinessChecks: ReadinessCheck[];
  readonly topics: TopicNames;

  private readonly kafka: Kafka;
  private readonly pool: Pool;
  private readonly kafkaCheck: ReturnType<typeof kafkaReadinessCheck>;
  private readonly stateRepository: DetectorStateRepository;
  private readonly anomalyStore: AnomalyStoreRepository;
  private readonly locks: PartitionLocks;
  private readonly notifier: WebhookNotifier;
  private readonly ownerWebhooks: Record<string, string>;
  private producer: BatchProducer | null = null;
  private consumer: RunningConsumer | null = null;
  private catalog: CatalogClient | null = null;
  private lagCollector: ConsumerLagCollector | null = null;
  private selfTelemetry: SelfTelemetry | null = null;
  /** Partitions whose checkpoints are loaded: `${stream}:${partition}`. */
  private readonly loaded = new Set<string>();
  private readonly highResolutionMetrics = new Set<string>();
  /** Whether a high-resolution metric other than the services' own figures exists. */
  private scoresRawOfAnySource = false;
  private serialTail: Promise<void> = Promise.resolve();
  private checkpointTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private sweeping = false;
  private lastCheckpointMs = Date.now();

  constructor(
    private readonly config: AnomalyConfig,
    private readonly logger: Logger,
    registry: Registry,
  ) {
    this.topics = topicNames(config.KAFKA_TOPIC_SUFFIX);
    this.detectors = new SeriesDetectors(parseDetectorOverrides(config.ANOMALY_DETECTOR_CONFIG) as Partial<DetectorConfig>, (metric) =>
      detectorSettingsFor(this.definitionOf(metric)),
    );
    this.ownerWebhooks = parseOwnerWebhooks(config.NOTIFY_WEBHOOKS);
    this.kafka = createKafka(config, 'anomaly');
    this.pool = createPool(config, {}, (error) => this.logger.warn({ err: error }, 'idle PostgreSQL connection lost'));
    this.kafkaCheck = kafkaReadinessCheck(this.kafka);
    this.readinessChecks = [this.kafkaCheck, postgresReadinessCheck(this.pool)];
    this.metrics = createAnomalyMetrics(registry, () => this.detectors.size, () => this.notifier.depth);
    this.stateRepository = new DetectorStateRepository(this.pool);
    this.anomalyStore = new AnomalyStoreRepository(this.pool);
    this.locks = new PartitionLocks(this.pool, config.ANOMALY_CONSUMER_GROUP, (error) =>
      this.logger.error({ err: error }, 'advisory lock session lost; partitions re-lock on their next batch'),
    );
    this.notifier = new WebhookNotifier(
      {
        secret: requireWebhookSecret(config),
        maxAttempts: config.NOTIFY_MAX_ATTEMPTS,
        initialBackoffMs: config.NOTIFY_INITIAL_BACKOFF_MS,
        maxBackoffMs: config.NOTIFY_MAX_BACKOFF_MS,
        timeoutMs: config.NOTIFY_TIMEOUT_MS,
        queueSize: config.NOTIFY_QUEUE_SIZE,
        concurrency: config.NOTIFY_CONCURRENCY,
      },
      this.metrics,
      logger,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    await retryWhileRetriable(() => ensureTopics(this.kafka, topicSpecs(this.config.KAFKA_TOPIC_SUFFIX), this.config.KAFKA_TOPIC_PARTITIONS));
    this.producer = await BatchProducer.connect(this.kafka);
    // Right after topics are created the broker may not know their leaders yet.
    this.catalog = await retryWhileRetriable(() => startCatalogClient(this.kafka, this.topics.catalog, 'anomaly'));
    this.catalog.onChange((name, definition) => this.trackResolution(name, definition));
    await this.catalog.caughtUp;
    for (const definition of [...SELF_METRIC_DEFINITIONS, ...this.catalog.all()]) this.trackResolution(definition.name, definition);
    this.consumer = await startBatchConsumer({
      kafka: this.kafka,
      groupId: this.config.ANOMALY_CONSUMER_GROUP,
      topics: [this.topics.rollup, this.topics.clean],
      // One partition at a time: checkpoints then always see state whose anomalies are durable.
      partitionsConsumedConcurrently: 1,
      sessionTimeoutMs: this.config.KAFKA_SESSION_TIMEOUT_MS,
      handleBatch: (messages, context) => this.handleBatch(messages, context),
      onAssignment: (assignment) => this.onAssignment(assignment),
    });
    this.checkpointTimer = setInterval(() => {
      this.serial(() => this.checkpoint('interval')).catch((error: unknown) => this.logger.error({ err: error }, 'checkpoint failed; retried next interval'));
    }, this.config.ANOMALY_CHECKPOINT_INTERVAL_MS);
    this.sweepTimer = setInterval(() => void this.sweepQuietIncidents(), this.config.INCIDENT_SWEEP_INTERVAL_MS);
    this.startSelfTelemetry(this.producer);
    this.logger.info({ group: this.config.ANOMALY_CONSUMER_GROUP, topics: [this.topics.rollup, this.topics.clean] }, 'anomaly detection consuming');
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    // Finishes the batch in hand and commits it, then leaves the group.
    await this.consumer?.stop();
    await this.selfTelemetry?.stop();
    await this.lagCollector?.close();
    const checkpointed = await this.serial(() => this.checkpoint('shutdown'));
    this.logger.info({ checkpointed, series: this.detectors.size, pendingWebhooks: this.notifier.depth }, 'anomaly detection stopped; state checkpointed');
    await this.locks.close();
    await this.notifier.drain(NOTIFIER_DRAIN_TIMEOUT_MS);
    await this.producer?.disconnect();
    await this.catalog?.stop();
    await this.kafkaCheck.close();
    await this.pool.end();
  }

  /** Ensures the consumer has joined and owns partitions (tests wait on it). */
  get joined(): Promise<void> {
    return this.consumer?.joined ?? Promise.reject(new Error('the consumer has not started'));
  }

  /** Partitions whose series this instance holds, as `${stream}:${partition}`. */
  ownedPartitions(): string[] {
    return [...this.loaded].sort();
  }

  /** Saves every series changed since its last checkpoint. */
  async checkpoint(reason: 'interval' | 'shutdown' | 'revoked' | 'requested'): Promise<number> {
    const dirty = this.detectors.dirtyCheckpoints();
    if (dirty.length > 0) {
      await this.stateRepository.save(dirty);
      this.detectors.markCheckpointed(dirty);
      this.metrics.checkpointsWritten.inc(dirty.length);
      this.logger.debug({ reason, series: dirty.length }, 'detector state checkpointed');
    }
    this.metrics.markCheckpoint();
    this.lastCheckpointMs = Date.now();
    return dirty.length;
  }

  /** Runs work after everything queued before it: batches, rebalances and checkpoints never interleave. */
  serial<T>(work: () => Promise<T>): Promise<T> {
    const run = this.serialTail.then(work);
    // The caller sees run's failure; the chain itself only orders, so it continues either way.
    this.serialTail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** The catalog's definition, or for the services' own figures their built-in one until the catalog has it. */
  private definitionOf(name: string): MetricDefinition | undefined {
    return this.catalog?.get(name) ?? selfMetricDefinition(name);
  }

  private trackResolution(name: string, definition: MetricDefinition | null): void {
    definition ??= selfMetricDefinition(name) ?? null;
    if (definition?.highResolution === true) this.highResolutionMetrics.add(name);
    else this.highResolutionMetrics.delete(name);
    this.scoresRawOfAnySource = [...this.highResolutionMetrics].some((metric) => !metric.startsWith(SELF_METRIC_PREFIX));
  }

  private streamOf(topic: string): DetectorStream {
    if (topic === this.topics.rollup) return 'rollup';
    if (topic === this.topics.clean) return 'raw';
    throw new Error(`not a topic the anomaly service consumes: ${topic}`);
  }

  private onAssignment(assignment: Record<string, number[]>): void {
    this.serial(() => this.applyAssignment(assignment)).catch((error: unknown) =>
      // Load failures are retried by the partition's next batch (ensureLoaded), so the rebalance itself carries on.
      this.logger.error({ err: error }, 'applying the partition assignment failed'),
    );
  }

  /**
   * After a rebalance: checkpoint and forget the series of partitions that moved away (then release
   * their locks, which is what the new owner waits for), and load the checkpoints of the partitions
   * that arrived.
   */
  private async applyAssignment(assignment: Record<string, number[]>): Promise<void> {
    const assigned = new Set<string>();
    for (const [topic, partitions] of Object.entries(assignment)) {
      if (topic !== this.topics.rollup && topic !== this.topics.clean) continue;
      for (const partition of partitions) assigned.add(`${this.streamOf(topic)}:${partition}`);
    }
    const revoked = [...this.loaded].filter((name) => !assigned.has(name)).map(parsePartitionName);
    for (const stream of ['rollup', 'raw'] as const) {
      const partitions = revoked.filter((entry) => entry.stream === stream).map((entry) => entry.partition);
      if (partitions.length === 0) continue;
      const dirty = this.detectors.dirtyCheckpoints({ stream, partitions });
      await this.stateRepository.save(dirty);
      this.metrics.checkpointsWritten.inc(dirty.length);
      const dropped = this.detectors.drop(stream, partitions);
      for (const partition of partitions) this.loaded.delete(`${stream}:${partition}`);
      await this.locks.release(stream, partitions);
      this.logger.info({ stream, partitions, checkpointed: dirty.length, dropped }, 'partitions revoked: series checkpointed and released');
    }
    for (const name of assigned) {
      const { stream, partition } = parsePartitionName(name);
      await this.ensureLoaded(stream, partition);
    }
  }

  private async ensureLoaded(stream: DetectorStream, partition: number, heartbeat?: () => Promise<void>): Promise<void> {
    const name = `${stream}:${partition}`;
    if (this.loaded.has(name)) return;
    const locked = await this.locks.acquire(stream, partition, this.config.ANOMALY_PARTITION_HANDOVER_TIMEOUT_MS, heartbeat);
    if (!locked) {
      this.logger.warn({ stream, partition, waitedMs: this.config.ANOMALY_PARTITION_HANDOVER_TIMEOUT_MS }, 'previous owner did not release the partition; resuming from its last checkpoint');
    }
    const checkpoints = await this.stateRepository.load(stream, [partition]);
    this.detectors.drop(stream, [partition]);
    const outcome = this.detectors.restore(checkpoints);
    this.metrics.checkpointRestoreFailures.inc(outcome.failed.length);
    for (const failure of outcome.failed) this.logger.warn(failure, 'checkpoint not resumable; the series learns again');
    this.loaded.add(name);
    this.logger.info({ stream, partition, restored: outcome.restored, failed: outcome.failed.length }, 'partition assigned: series restored from checkpoint');
  }

  private async handleBatch(messages: ConsumedMessage[], context: BatchContext): Promise<void> {
    await this.serial(async () => {
      const startedMs = Date.now();
      const stream = this.streamOf(context.topic);
      const partition = context.partition;
      await this.ensureLoaded(stream, partition, context.heartbeat);
      const decoded = this.decode(stream, messages);
      let records: AnomalyRecord[];
      let stored: Awaited<ReturnType<AnomalyStoreRepository['store']>>;
      let outcome: ReturnType<typeof scorePoints>;
      try {
        outcome = scorePoints(this.detectors, decoded.points, {
          stream,
          partition,
          threshold: this.config.ANOMALY_SCORE_THRESHOLD,
          definitionOf: (metric) => this.definitionOf(metric),
        });
        records = outcome.findings.map(toAnomalyRecord);
        stored = await this.anomalyStore.store(records, this.config.INCIDENT_QUIET_PERIOD_MS);
        await this.producer!.send([
          {
            topic: this.topics.anomalies,
            messages: records.map((record): OutgoingMessage => ({ key: seriesMessageKey(record.metric, record.series), value: JSON.stringify(record) })),
          },
          {
            topic: this.topics.dlq,
            messages: decoded.rejected.map((rejected) => deadLetterMessage(rejected.sourceId, rejected.payload, rejected.reason, 'anomaly')),
          },
        ]);
      } catch (error) {
        // The detectors learned this batch but its anomalies are not durable: the replay must score
        // it again, so the partition's series go back to their checkpoint instead of skipping it.
        this.detectors.drop(stream, [partition]);
        this.loaded.delete(`${stream}:${partition}`);
        throw error;
      }

      this.metrics.pointsScored.inc({ stream }, outcome.scored);
      if (outcome.replays > 0) this.metrics.pointsSkipped.inc({ stream, reason: 'replay' }, outcome.replays);
      for (const rejected of decoded.rejected) this.metrics.pointsSkipped.inc({ stream, reason: rejected.reason });
      for (const record of records) this.metrics.anomalies.inc({ detector: record.detector, severity: record.severity });
      this.notifyChanges(stored.incidentChanges, stored.inserted);

      const rejectsByReason: Record<string, number> = {};
      for (const rejected of decoded.rejected) rejectsByReason[rejected.reason] = (rejectsByReason[rejected.reason] ?? 0) + 1;
      const fields = {
        topic: context.topic,
        partition,
        firstOffset: messages[0]?.offset,
        lastOffset: messages[messages.length - 1]?.offset,
        size: messages.length,
        scored: outcome.scored,
        replays: outcome.replays,
        anomalies: records.length,
        newAnomalies: stored.inserted.length,
        rejectsByReason,
        durationMs: Date.now() - startedMs,
      };
      if (records.length > 0 || decoded.rejected.length > 0) this.logger.info(fields, 'batch scored');
      else this.logger.debug(fields, 'batch scored');

      if (Date.now() - this.lastCheckpointMs >= this.config.ANOMALY_CHECKPOINT_INTERVAL_MS) await this.checkpoint('interval');
    });
  }

  private decode(stream: DetectorStream, messages: readonly ConsumedMessage[]): DecodedBatch {
    const points: ScoredPoint[] = [];
    const rejected: DecodedBatch['rejected'] = [];
    // Raw envelopes are only worth parsing while some metric asks for raw-point scoring.
    if (stream === 'raw' && this.highResolutionMetrics.size === 0) return { points, rejected };
    for (const message of messages) {
      // The self metrics are high-resolution by default; they alone must not cost a parse of
      // every envelope of every source.
      if (stream === 'raw' && !this.scoresRawOfAnySource && message.key !== SELF_SOURCE_ID) continue;
      const sourceId = message.key ?? 'unknown';
      const text = message.value?.toString('utf8') ?? '';
      let payload: unknown;
      try {
        payload = JSON.parse(text);
      } catch (error) {
        rejected.push({ sourceId, reason: 'invalid_json', detail: error instanceof Error ? error.message : String(error), payload: text });
        continue;
      }
      if (stream === 'rollup') {
        const result = rollupToPoint(payload);
        if (result.kind === 'reject') rejected.push({ sourceId, reason: result.reason, detail: result.detail, payload });
        else if (result.value) points.push(result.value);
      } else {
        const raw = cleanEnvelopeToPoints(payload, (metric) => this.definitionOf(metric));
        points.push(...raw.points);
        rejected.push(...raw.rejected.map((entry) => ({ ...entry, sourceId })));
      }
    }
    return { points, rejected };
  }

  /** telemetry.self.*: the group's lag per partition of both inputs, and the records this service dead-lettered. */
  private startSelfTelemetry(producer: BatchProducer): void {
    const lagCollector = createConsumerLagCollector(this.kafka, this.config.ANOMALY_CONSUMER_GROUP, [this.topics.rollup, this.topics.clean]);
    // Replays are skipped, not dead-lettered; every other skip reason went to telemetry.dlq.v1.
    const deadLetters = counterIncreases(this.metrics.pointsSkipped, 'dead_letters', (labels) =>
      labels['reason'] === 'replay' ? null : { stage: 'anomaly', reason: String(labels['reason']) },
    );
    this.lagCollector = lagCollector;
    this.selfTelemetry = startSelfTelemetry({
      producer,
      rawTopic: this.topics.raw,
      service: 'anomaly',
      intervalMs: this.config.SELF_TELEMETRY_INTERVAL_MS,
      collect: async (): Promise<SelfMeasurement[]> => {
        const lag = await lagCollector.collect().catch((error: unknown) => {
          this.logger.warn({ err: error }, 'consumer lag not measured for self-telemetry');
          return [];
        });
        return [...lag, ...(await deadLetters())];
      },
      onError: (error) => this.logger.warn({ err: error }, 'self-telemetry report failed'),
    });
  }

  private notifyChanges(changes: readonly IncidentChange[], inserted: readonly AnomalyRecord[]): void {
    for (const change of changes) {
      if (change.opened) {
        this.metrics.incidentsOpened.inc();
        const opening = inserted.find((record) => record.id === change.anomalyIds[0]);
        this.notify('incident.opened', change.incident, opening);
      }
      if (change.resolved) {
        this.metrics.incidentsResolved.inc({ how: 'gap' });
        this.notify('incident.resolved', change.incident);
      }
    }
  }

  private notify(event: NotificationEvent, incident: Incident, anomaly?: AnomalyRecord): void {
    const definition = this.definitionOf(incident.metric);
    const targets = webhookTargets(definition, this.ownerWebhooks);
    if (targets.length === 0) return;
    this.notifier.enqueue(targets, buildNotification(event, incident, definition, anomaly));
  }

  private async sweepQuietIncidents(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      const active = await this.anomalyStore.activeIncidents(SWEEP_BATCH_SIZE);
      const quiet = autoResolveQuiet(active, Date.now(), this.config.INCIDENT_QUIET_PERIOD_MS);
      const resolved = await this.anomalyStore.resolveQuiet(quiet);
      this.metrics.incidentsResolved.inc({ how: 'quiet' }, resolved.length);
      for (const incident of resolved) this.notify('incident.resolved', incident);
      if (resolved.length > 0) this.logger.info({ resolved: resolved.length }, 'quiet incidents auto-resolved');
    } catch (error) {
      // The sweep is repeated every interval; a failed one only delays auto-resolution.
      this.logger.error({ err: error }, 'incident sweep failed');
    } finally {
      this.sweeping = false;
    }
  }
}

const STARTUP_ATTEMPTS = 8;

/** Retries a start-up step while Kafka calls its error retriable (leader elections, metadata not yet propagated). */
const retryWhileRetriable = async <T>(step: () => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await step();
    } catch (error) {
      const retriable = typeof error === 'object' && error !== null && (error as { retriable?: unknown }).retriable === true;
      if (!retriable || attempt >= STARTUP_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
};

const parsePartitionName = (name: string): { stream: DetectorStream; partition: number } => {
  const [stream, partition] = name.split(':');
  return { stream: stream === 'raw' ? 'raw' : 'rollup', partition: Number(partition) };
};
