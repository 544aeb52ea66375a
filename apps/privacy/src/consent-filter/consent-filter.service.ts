import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Value } from '@sinclair/typebox/value';
import { requirePseudonymKey } from '@telemetry/config';
import { ConsentRecordSchema, createEventValidator, type ConsentRecord } from '@telemetry/contracts';
import {
  BatchProducer,
  counterIncreases,
  createConsumerLagCollector,
  ensureTopics,
  followCompactedTopic,
  RecentCounts,
  startSelfTelemetry,
  startBatchConsumer,
  startCatalogClient,
  topicNames,
  topicSpecs,
  type CatalogClient,
  type CompactedTopicView,
  type ConsumedMessage,
  type ConsumerLagCollector,
  type RunningConsumer,
  type SelfMeasurement,
  type SelfTelemetry,
  type TopicNames,
} from '@telemetry/kafka';
import {
  createCatalogLookup,
  createIdentifierHasher,
  createPrivacyTally,
  createPseudonymizer,
  createScrubber,
  DailyBudgetCounter,
  parseScrubRuleNames,
  type PrivacyBatch,
  type Scrubber,
} from '@telemetry/privacy';
import { LOGGER, METRICS_REGISTRY, type Logger } from '@telemetry/service-runtime';
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { PrivacyConfig } from '../config';
import { KAFKA, PRIVACY_CONFIG } from './consent-filter.tokens';
import { filterMessages } from './filter-messages';
import { PrivacyMetrics } from './privacy-metrics';

const LAG_CACHE_MS = 5_000;
const STARTUP_ATTEMPTS = 10;

const isRetriable = (error: unknown): boolean =>
  error instanceof Error && (error as Error & { retriable?: unknown }).retriable === true;

/**
 * Topics created a moment ago may not have partition leaders yet ("not the leader for that
 * topic-partition"): kafkajs reports that as retriable, and starting again shortly succeeds.
 */
const retryWhileRetriable = async <T>(start: () => Promise<T>): Promise<T> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await start();
    } catch (error) {
      if (!isRetriable(error) || attempt >= STARTUP_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
    }
  }
};

/**
 * Wires the privacy filter: catalog and consent views (compacted topics, rebuilt at start and
 * followed live), then a batch consumer on telemetry.raw.v1 whose handler runs libs/privacy over
 * the batch and produces the clean envelopes and dead letters in one acks=all send. The consumer
 * commits only after that send resolved: at-least-once, with duplicates after a crash removed
 * downstream by event id (the processor stores with ON CONFLICT DO NOTHING).
 */
@Injectable()
export class ConsentFilterService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly topics: TopicNames;
  private readonly groupId: string;
  private readonly scrubber: Scrubber;
  private readonly pseudonymize: (subjectId: string) => string;
  private readonly hashIdentifier: (identifier: string) => string;
  private readonly validateEvent = createEventValidator();
  private readonly budget = new DailyBudgetCounter();
  private readonly metrics: PrivacyMetrics;
  private catalog: CatalogClient | undefined;
  private consents: CompactedTopicView<ConsentRecord> | undefined;
  private producer: BatchProducer | undefined;
  private consumer: RunningConsumer | undefined;
  private lagCache: { atMs: number; lag: Promise<number> } | undefined;
  private findMetric: PrivacyBatch['findMetric'] = () => undefined;
  private readonly recentRejections: RecentCounts;
  private readonly deadLetterIncreases: () => Promise<SelfMeasurement[]>;
  private lagCollector: ConsumerLagCollector | undefined;
  private selfTelemetry: SelfTelemetry | undefined;

  constructor(
    @Inject(PRIVACY_CONFIG) private readonly config: PrivacyConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.topics = topicNames(config.KAFKA_TOPIC_SUFFIX);
    this.groupId = `${config.PRIVACY_CONSUMER_GROUP}${config.KAFKA_TOPIC_SUFFIX}`;
    this.scrubber = createScrubber({ rules: parseScrubRuleNames(config.PRIVACY_SCRUB_RULES) });
    this.pseudonymize = createPseudonymizer(requirePseudonymKey(config));
    this.hashIdentifier = createIdentifierHasher(requirePseudonymKey(config));
    this.metrics = new PrivacyMetrics(registry, this.scrubber.ruleNames, {
      consentCacheSize: () => this.consents?.values.size ?? 0,
      catalogSize: () => this.catalog?.all().length ?? 0,
      lag: () => this.lag(),
    });
    this.recentRejections = new RecentCounts({ forgetAfterMs: config.SELF_TELEMETRY_FORGET_AFTER_MS });
    this.deadLetterIncreases = counterIncreases(this.metrics.eventsDropped, 'dead_letters', (labels) => ({ stage: 'privacy', reason: String(labels['reason']) }));
  }

  /** The consent view's record for a pseudonym (what the filter decides with). */
  consentFor(pseudonym: string): ConsentRecord | undefined {
    return this.consents?.values.get(pseudonym);
  }

  async onApplicationBootstrap(): Promise<void> {
    const wanted = new Set([this.topics.raw, this.topics.clean, this.topics.dlq, this.topics.consent, this.topics.catalog]);
    await ensureTopics(this.kafka, topicSpecs(this.config.KAFKA_TOPIC_SUFFIX).filter((spec) => wanted.has(spec.name)), this.config.KAFKA_TOPIC_PARTITIONS);
    const catalog = await retryWhileRetriable(() => startCatalogClient(this.kafka, this.topics.catalog, 'privacy'));
    this.catalog = catalog;
    // The services' own report also falls back to the built-in self metrics (filter-messages.ts).
    this.findMetric = createCatalogLookup((name) => catalog.get(name));
    this.consents = await retryWhileRetriable(() => followCompactedTopic<ConsentRecord>({
      kafka: this.kafka,
      topic: this.topics.consent,
      groupPrefix: 'privacy-consent',
      parse: (value) => {
        const parsed: unknown = JSON.parse(value.toString('utf8'));
        if (!Value.Check(ConsentRecordSchema, parsed)) throw new Error('not a consent record');
        return parsed;
      },
      // The key is the pseudonym; log it, never anything else of the record.
      onInvalid: (key, error) => this.logger.warn({ subject: key, err: error }, 'invalid consent record skipped (nothing granted)'),
    }));
    // Deciding before both views are complete would drop consented events or pass expired metrics.
    await Promise.all([this.catalog.caughtUp, this.consents.caughtUp]);
    this.producer = await BatchProducer.connect(this.kafka);
    this.consumer = await startBatchConsumer({
      kafka: this.kafka,
      groupId: this.groupId,
      topics: [this.topics.raw],
      partitionsConsumedConcurrently: this.config.PRIVACY_PARTITIONS_CONCURRENTLY,
      sessionTimeoutMs: this.config.KAFKA_SESSION_TIMEOUT_MS,
      handleBatch: (messages) => this.handleBatch(messages),
    });
    this.lagCollector = createConsumerLagCollector(this.kafka, this.groupId, [this.topics.raw]);
    this.selfTelemetry = startSelfTelemetry({
      producer: this.producer,
      rawTopic: this.topics.raw,
      service: 'privacy',
      intervalMs: this.config.SELF_TELEMETRY_INTERVAL_MS,
      collect: () => this.collectSelfTelemetry(),
      onError: (error) => this.logger.warn({ err: error }, 'self-telemetry report failed; its counts are reported with the next one where possible'),
    });
    this.logger.info(
      { group: this.groupId, raw: this.topics.raw, metrics: this.catalog.all().length, consentSubjects: this.consents.values.size },
      'privacy filter consuming',
    );
  }

  async onApplicationShutdown(): Promise<void> {
    // The consumer first: it finishes the batch in hand (its send needs the producer) and commits it.
    await this.consumer?.stop();
    // Then a last self-telemetry report, which counts that batch too.
    await this.selfTelemetry?.stop();
    await this.lagCollector?.close();
    await this.producer?.disconnect();
    await Promise.all([this.catalog?.stop(), this.consents?.stop()]);
  }

  private newBatch(nowMs: number): PrivacyBatch {
    const catalog = this.catalog;
    const consents = this.consents;
    if (catalog === undefined || consents === undefined) throw new Error('privacy filter used before its views were loaded');
    return {
      nowMs,
      maxFutureMs: this.config.PRIVACY_MAX_FUTURE_MS,
      validateEvent: this.validateEvent,
      findMetric: this.findMetric,
      consentFor: (pseudonym) => consents.values.get(pseudonym),
      pseudonymize: this.pseudonymize,
      hashIdentifier: this.hashIdentifier,
      budget: this.budget,
      scrubber: this.scrubber,
      tally: createPrivacyTally(),
    };
  }

  private async handleBatch(messages: ConsumedMessage[]): Promise<void> {
    const producer = this.producer;
    if (producer === undefined) throw new Error('privacy filter consuming without a producer');
    const startedMs = Date.now();
    const batch = this.newBatch(startedMs);
    const filtered = filterMessages(messages, batch, new Date(startedMs));
    await producer.send([
      { topic: this.topics.clean, messages: filtered.clean },
      { topic: this.topics.dlq, messages: filtered.deadLetters },
    ]);
    const durationMs = Date.now() - startedMs;
    this.metrics.recordBatch(batch.tally, filtered.envelopesRejected, filtered.eventsIn, durationMs / 1_000);
    for (const { sourceId, reason, count } of filtered.rejectedBySource) this.recentRejections.add({ reason, source: sourceId }, count);
    const first = messages[0];
    const last = messages[messages.length - 1];
    this.logger.info(
      {
        topic: first?.topic,
        partition: first?.partition,
        firstOffset: first?.offset,
        lastOffset: last?.offset,
        size: messages.length,
        eventsIn: filtered.eventsIn,
        okCount: batch.tally.passed,
        rejectsByReason: Object.fromEntries(Object.entries(batch.tally.rejected).filter(([, count]) => count > 0)),
        envelopesRejected: filtered.envelopesRejected,
        durationMs,
      },
      'privacy batch',
    );
  }

  /**
   * telemetry.self.* of the filter: rejections by reason and source, dead letters by reason (the
   * /metrics counter), and the group's lag per raw partition. A failed lag query leaves lag out of
   * this report rather than losing the counts.
   */
  private async collectSelfTelemetry(): Promise<SelfMeasurement[]> {
    const lag = await (this.lagCollector?.collect() ?? Promise.resolve([])).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'consumer lag not measured for self-telemetry');
      return [];
    });
    return [...this.recentRejections.drain('rejections'), ...(await this.deadLetterIncreases()), ...lag];
  }

  /** Messages on the raw topic past the group's committed offsets; asked at most every 5 s. */
  private lag(): Promise<number> {
    const nowMs = Date.now();
    if (this.lagCache === undefined || nowMs - this.lagCache.atMs > LAG_CACHE_MS) {
      this.lagCache = { atMs: nowMs, lag: this.fetchLag() };
    }
    return this.lagCache.lag;
  }

  private async fetchLag(): Promise<number> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const [ends, committed] = await Promise.all([
        admin.fetchTopicOffsets(this.topics.raw),
        admin.fetchOffsets({ groupId: this.groupId, topics: [this.topics.raw] }),
      ]);
      const committedByPartition = new Map(
        (committed[0]?.partitions ?? []).map((partition) => [partition.partition, BigInt(partition.offset)]),
      );
      let lag = 0n;
      for (const end of ends) {
        const done = committedByPartition.get(end.partition) ?? -1n;
        // -1 = nothing committed yet: everything since the low watermark is pending.
        const from = done < 0n ? BigInt(end.low) : done;
        if (BigInt(end.high) > from) lag += BigInt(end.high) - from;
      }
      return Number(lag);
    } finally {
      await admin.disconnect();
    }
  }
}
