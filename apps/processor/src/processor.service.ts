import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { createEventValidator, withHistogramParts, type MetricDefinition } from '@telemetry/contracts';
import {
  BatchProducer,
  counterIncreases,
  deadLetterMessage,
  ensureTopics,
  gaugeValues,
  topicSpecs,
  startBatchConsumer,
  startCatalogClient,
  startSelfTelemetry,
  type CatalogClient,
  type ConsumedMessage,
  type RunningConsumer,
  type SelfTelemetry,
  type TopicNames,
} from '@telemetry/kafka';
import { isBucketClosed, MINUTE_SECONDS, bucketStartMs, type DerivedMetric } from '@telemetry/rollup';
import { LOGGER, type Logger } from '@telemetry/service-runtime';
import type { Admin, Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { ProcessorConfig } from './config';
import { ReferenceDataCache } from './enrichment/reference-data.cache';
import { HourlyRollupJob } from './hourly/hourly-rollup.job';
import { MiningJob } from './mining/mining.job';
import { consumerLag } from './monitoring/consumer-lag';
import type { ProcessorMetrics } from './monitoring/processor-metrics';
import { PeriodicJob } from './periodic-job';
import { RollupPublisher } from './publishing/rollup-publisher';
import { sendInChunks } from './publishing/send-in-chunks';
import { RetentionJob } from './retention/retention.job';
import { BatchCoalescer } from './storage/batch-coalescer';
import { storeBatch } from './storage/batch-store';
import { classifyDbError } from './storage/classify-db-error';
import { BatchDecoding, type DecodeContext } from './storage/decode-batch';
import { derivedMetricsOf } from './storage/derived-metrics.view';
import { storeIsolatingPoison } from './storage/isolate-poison-events';

const CATALOG_START_ATTEMPTS = 10;
const CATALOG_RETRY_DELAY_MS = 500;

export const PROCESSOR_CONFIG = Symbol('PROCESSOR_CONFIG');
export const PROCESSOR_POOL = Symbol('PROCESSOR_POOL');
export const PROCESSOR_KAFKA = Symbol('PROCESSOR_KAFKA');
export const PROCESSOR_TOPICS = Symbol('PROCESSOR_TOPICS');
export const PROCESSOR_METRICS = Symbol('PROCESSOR_METRICS');
export const REFERENCE_DATA = Symbol('REFERENCE_DATA');

/**
 * The processor's wiring: telemetry.clean.v1 → decode (libs/rollup enrichment and series) →
 * one transaction per batch (data_points + rollups_1m + derived) → offsets committed; dead letters
 * to telemetry.dlq.v1; periodic jobs publish closed buckets, derive hours, mine patterns and
 * apply retention. No aggregation logic lives here.
 */
@Injectable()
export class ProcessorService implements OnApplicationBootstrap, OnApplicationShutdown {
  private catalog: CatalogClient | undefined;
  private producer: BatchProducer | undefined;
  private consumer: RunningConsumer | undefined;
  private admin: Admin | undefined;
  private publisher: RollupPublisher | undefined;
  private derived: DerivedMetric[] = [];
  private readonly jobs: PeriodicJob[] = [];
  private readonly validate = createEventValidator();
  private selfTelemetry: SelfTelemetry | undefined;
  /** The partitions' batches of one fetch are stored in one transaction (see BatchCoalescer). */
  private readonly coalescer = new BatchCoalescer<ConsumedMessage[], void>((batches) => this.storeBatches(batches));

  constructor(
    @Inject(PROCESSOR_CONFIG) private readonly config: ProcessorConfig,
    @Inject(PROCESSOR_POOL) private readonly pool: Pool,
    @Inject(PROCESSOR_KAFKA) private readonly kafka: Kafka,
    @Inject(PROCESSOR_TOPICS) private readonly topics: TopicNames,
    @Inject(PROCESSOR_METRICS) private readonly metrics: ProcessorMetrics,
    @Inject(REFERENCE_DATA) private readonly referenceData: ReferenceDataCache,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await ensureTopics(this.kafka, topicSpecs(this.config.KAFKA_TOPIC_SUFFIX), this.config.KAFKA_TOPIC_PARTITIONS);
    const catalog = await this.startCatalog();
    this.catalog = catalog;
    await catalog.caughtUp;
    this.refreshDerived();
    catalog.onChange(() => this.refreshDerived());
    await this.referenceData.refresh();

    const retention = new RetentionJob(this.pool, this.config.RAW_RETENTION_DEFAULT_DAYS);
    // Partitions for today and the days ahead must exist before the first insert lands.
    await this.runRetention(retention);

    this.producer = await BatchProducer.connect(this.kafka);
    this.publisher = new RollupPublisher(
      this.pool,
      this.producer,
      this.topics.rollup,
      this.config.ROLLUP_ALLOWED_LATENESS_MS,
      this.config.ROLLUP_PUBLISH_PAGE_SIZE,
    );
    this.admin = this.kafka.admin();
    await this.admin.connect();

    const hourly = new HourlyRollupJob(this.pool);
    const publisher = this.publisher;
    const admin = this.admin;
    const failed = (job: string) => this.metrics.jobFailures.inc({ job });
    this.jobs.push(
      new PeriodicJob('publish', this.config.ROLLUP_PUBLISH_INTERVAL_MS, async () => {
        const published = await publisher.publishDue();
        this.metrics.rollupsPublished.inc(published);
      }, this.logger, failed),
      new PeriodicJob('hourly', this.config.ROLLUP_HOURLY_INTERVAL_MS, async () => {
        await hourly.run(this.derived);
      }, this.logger, failed),
      new PeriodicJob('reference-data', this.config.REFDATA_REFRESH_MS, () => this.referenceData.refresh(), this.logger, failed),
      new PeriodicJob('retention', this.config.RETENTION_INTERVAL_MS, () => this.runRetention(retention), this.logger, failed),
      new PeriodicJob('lag', this.config.LAG_INTERVAL_MS, async () => {
        const lag = await consumerLag(admin, this.config.PROCESSOR_GROUP_ID, this.topics.clean);
        for (const [partition, messages] of lag) this.metrics.consumerLag.set({ partition: String(partition) }, messages);
      }, this.logger, failed),
    );
    if (this.config.MINING_INTERVAL_MS > 0) {
      const mining = new MiningJob(this.pool, this.config.MINING_WINDOW_MS, this.config.MINING_INTERVAL_MS, this.config.MINING_KEEP_DAYS);
      this.jobs.push(
        new PeriodicJob('mining', this.config.MINING_INTERVAL_MS, async () => {
          const result = await mining.run();
          this.logger.info({ job: 'mining', ...result }, 'patterns mined');
        }, this.logger, failed),
      );
    }
    for (const job of this.jobs) job.start();
    this.selfTelemetry = this.startSelfTelemetry(this.producer);

    this.consumer = await startBatchConsumer({
      kafka: this.kafka,
      groupId: this.config.PROCESSOR_GROUP_ID,
      topics: [this.topics.clean],
      partitionsConsumedConcurrently: this.config.PROCESSOR_PARTITIONS_CONCURRENTLY,
      maxBytesPerPartition: this.config.PROCESSOR_MAX_BYTES_PER_PARTITION,
      sessionTimeoutMs: this.config.KAFKA_SESSION_TIMEOUT_MS,
      handleBatch: (messages) => this.coalescer.submit(messages),
    });
    this.logger.info({ topic: this.topics.clean, derivedMetrics: this.derived.length, referenceRecords: this.referenceData.size }, 'processor consuming');
  }

  /**
   * Right after topics are created the broker may not have elected their leaders yet
   * ("not the leader for that topic-partition"): retry a few times before giving up.
   */
  private async startCatalog(): Promise<CatalogClient> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await startCatalogClient(this.kafka, this.topics.catalog, 'processor');
      } catch (error) {
        if (attempt >= CATALOG_START_ATTEMPTS) throw error;
        this.logger.warn({ err: error, attempt }, 'catalog not readable yet; retrying');
        await new Promise((resolve) => setTimeout(resolve, CATALOG_RETRY_DELAY_MS));
      }
    }
  }

  /**
   * telemetry.self.* from the /metrics figures: dead letters by reason, and the lag the 'lag' job
   * measures per clean partition (every LAG_INTERVAL_MS).
   */
  private startSelfTelemetry(producer: BatchProducer): SelfTelemetry {
    const deadLetters = counterIncreases(this.metrics.deadLetters, 'dead_letters', (labels) => ({ stage: 'processor', reason: String(labels['reason']) }));
    const lag = gaugeValues(this.metrics.consumerLag, 'consumer_lag', (labels) => ({ topic: this.topics.clean, partition: Number(labels['partition']) }));
    return startSelfTelemetry({
      producer,
      rawTopic: this.topics.raw,
      service: 'processor',
      intervalMs: this.config.SELF_TELEMETRY_INTERVAL_MS,
      collect: async () => [...(await deadLetters()), ...(await lag())],
      onError: (error) => this.logger.warn({ err: error }, 'self-telemetry report failed'),
    });
  }

  /** Resolves when this instance has joined the consumer group (tests wait for it). */
  get joined(): Promise<void> {
    return this.consumer?.joined ?? Promise.resolve();
  }

  /** Runs the periodic jobs once now, in order; tests use it instead of waiting for timers. */
  async runJobsNow(names: readonly string[]): Promise<void> {
    for (const name of names) await this.jobs.find((job) => job.name === name)?.runOnce();
  }

  private async runRetention(retention: RetentionJob): Promise<void> {
    // A histogram's OTLP parts are kept as long as the histogram.
    const result = await retention.run(withHistogramParts(this.catalog?.all() ?? []));
    this.logger.info({ job: 'retention', ...result }, 'retention applied');
  }

  private refreshDerived(): void {
    const definitions: MetricDefinition[] = this.catalog?.all() ?? [];
    this.derived = derivedMetricsOf(definitions, ({ metric, error }) =>
      this.logger.warn({ metric, err: error }, 'derived metric skipped: its formula does not parse'),
    );
  }

  private decodeContext(): DecodeContext {
    const catalog = this.catalog;
    return {
      validate: this.validate,
      joins: this.referenceData.joins,
      lookup: this.referenceData.lookup,
      enrichmentKeys: this.referenceData.enrichmentKeys,
      declaredAttributes: (metric) => catalog?.get(metric)?.attributes,
    };
  }

  private async storeBatches(batches: ConsumedMessage[][]): Promise<void> {
    const startedMs = Date.now();
    const messages = batches.flat();
    const decoding = new BatchDecoding(
      messages.map((message) => message.value),
      this.decodeContext(),
    );
    const publisher = this.publisher;
    // Late = its bucket was already closed by the watermark before this batch arrived.
    const watermarkMs = publisher?.watermarkMs(startedMs) ?? 0;

    // Decoded while the COPY sends them, so PostgreSQL inserts while later messages are decoded.
    // Events PostgreSQL refuses for good are isolated and dead-lettered; a transient error replays the fetch.
    const result = await storeIsolatingPoison(
      (points) => storeBatch(this.pool, points, this.derived),
      { stream: () => decoding.stream(), all: () => decoding.all().points },
    ).catch((error: unknown) => {
      this.logger.warn({ err: error, sqlState: classifyDbError(error).sqlState, size: messages.length }, 'batch not stored; it will be fetched again');
      throw error;
    });
    const decoded = decoding.all();
    for (const poison of result.poisoned) {
      this.logger.warn({ eventId: poison.eventId, sourceId: poison.sourceId, reason: poison.reason }, 'event refused by PostgreSQL: dead-lettered');
    }
    const rejected = [...decoded.rejected, ...result.poisoned];

    let late = 0;
    let maxEventTimeMs = 0;
    for (const point of decoded.points) {
      if (isBucketClosed(bucketStartMs(point.timeMs, MINUTE_SECONDS), MINUTE_SECONDS, watermarkMs)) late += 1;
      if (point.timeMs > maxEventTimeMs) maxEventTimeMs = point.timeMs;
    }

    if (rejected.length > 0 && this.producer) {
      await sendInChunks(
        this.producer,
        this.topics.dlq,
        rejected.map((entry) => deadLetterMessage(entry.sourceId, entry.event, entry.reason, 'processor')),
      );
    }
    // Only events up to a sane horizon move the watermark: one event stamped next year must not
    // close every bucket in between.
    if (maxEventTimeMs > 0) publisher?.noteEventTime(Math.min(maxEventTimeMs, Date.now() + MINUTE_SECONDS * 1_000));

    const rejectsByReason: Record<string, number> = {};
    for (const { reason: fullReason } of rejected) {
      const reason = fullReason.split(':')[0] ?? fullReason;
      rejectsByReason[reason] = (rejectsByReason[reason] ?? 0) + 1;
      this.metrics.deadLetters.inc({ reason });
    }
    const durationMs = Date.now() - startedMs;
    this.metrics.rowsWritten.inc(result.inserted.length);
    this.metrics.dedupeHits.inc(result.duplicates);
    this.metrics.erasedPoints.inc(result.erased);
    this.metrics.lateEvents.inc(late);
    this.metrics.rollupsWritten.inc({ kind: 'measured' }, result.bucketsMerged);
    this.metrics.rollupsWritten.inc({ kind: 'derived' }, result.derivedChanged);
    this.metrics.batchDuration.observe(durationMs / 1_000);
    this.metrics.batchEvents.observe(decoded.points.length);
    this.logger.info(
      {
        topic: messages[0]?.topic,
        partitions: batches.map((batch) => ({ partition: batch[0]?.partition, firstOffset: batch[0]?.offset, lastOffset: batch[batch.length - 1]?.offset })),
        size: messages.length,
        events: decoded.points.length,
        okCount: result.inserted.length,
        duplicates: result.duplicates,
        erased: result.erased,
        late,
        buckets: result.bucketsMerged,
        derived: result.derivedChanged,
        rejectsByReason,
        durationMs,
      },
      'batch stored',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    // Finish and commit the batch in hand first; then the jobs; then the connections.
    try {
      await this.consumer?.stop();
      await Promise.all(this.jobs.map((job) => job.stop()));
      await this.selfTelemetry?.stop();
      await this.admin?.disconnect();
      await this.producer?.disconnect();
      await this.catalog?.stop();
    } finally {
      await this.pool.end();
    }
  }
}
