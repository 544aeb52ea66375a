import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Value } from '@sinclair/typebox/value';
import { AnomalyRecordSchema, type AnomalyRecord } from '@telemetry/contracts';
import { startBatchConsumer, type ConsumedMessage, type RunningConsumer, type TopicNames } from '@telemetry/kafka';
import type { Logger } from '@telemetry/service-runtime';
import type { Kafka } from 'kafkajs';
import { Counter, Gauge, type Registry } from 'prom-client';
import { KAFKA, LOGGER, METRICS_REGISTRY, TOPICS } from '../core/api-deps';
import type { Anomaly } from './anomaly.model';
import { SubscriberQueue } from './subscriber-queue';

const SUBSCRIBER_CAPACITY = 1_000;

export const anomalyFromRecord = (record: AnomalyRecord): Anomaly => ({
  id: record.id,
  metric: record.metric,
  series: record.series,
  at: new Date(record.at),
  value: record.value,
  expected: record.expected,
  score: record.score,
  detector: record.detector,
  severity: record.severity,
  incidentId: undefined,
});

/**
 * Fans anomalies.v1 out to GraphQL subscribers. Each API instance reads the whole topic with its
 * own consumer group (every instance's subscribers need every anomaly), from the latest offset:
 * a subscription is live, history is the `anomalies` query.
 */
@Injectable()
export class AnomalyFeed {
  private readonly subscribers = new Set<{ metric: string | null; queue: SubscriberQueue<Anomaly> }>();
  private consumer: RunningConsumer | undefined;
  private readonly invalid: Counter;

  constructor(
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(TOPICS) private readonly topics: TopicNames,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.invalid = new Counter({ name: 'telemetry_api_invalid_anomaly_records_total', help: 'anomalies.v1 records that failed validation', registers: [registry] });
    const subscribers = this.subscribers;
    new Gauge({
      name: 'telemetry_api_anomaly_subscribers',
      help: 'Open anomalyDetected subscriptions',
      registers: [registry],
      collect() {
        this.set(subscribers.size);
      },
    });
  }

  /** Resolves once the consumer group is joined: anomalies published after that reach subscribers. */
  async start(): Promise<void> {
    this.consumer = await startBatchConsumer({
      kafka: this.kafka,
      groupId: `api-anomaly-feed-${randomUUID()}`,
      topics: [this.topics.anomalies],
      fromBeginning: false,
      handleBatch: async (messages) => this.publish(messages),
    });
    await this.consumer.joined;
  }

  async stop(): Promise<void> {
    for (const subscriber of [...this.subscribers]) await subscriber.queue.return();
    await this.consumer?.stop();
  }

  subscribe(metric: string | null): AsyncIterableIterator<Anomaly> {
    const subscriber = {
      metric,
      queue: new SubscriberQueue<Anomaly>(SUBSCRIBER_CAPACITY, () => this.subscribers.delete(subscriber)),
    };
    this.subscribers.add(subscriber);
    return subscriber.queue;
  }

  private publish(messages: readonly ConsumedMessage[]): void {
    let invalid = 0;
    let delivered = 0;
    for (const message of messages) {
      const record = this.parse(message);
      if (record === null) {
        invalid += 1;
        continue;
      }
      const anomaly = anomalyFromRecord(record);
      for (const subscriber of this.subscribers) {
        if (subscriber.metric === null || subscriber.metric === anomaly.metric) {
          subscriber.queue.push(anomaly);
          delivered += 1;
        }
      }
    }
    if (invalid > 0) {
      this.invalid.inc(invalid);
      this.logger.warn({ topic: messages[0]?.topic, size: messages.length, invalid }, 'anomaly feed: skipped invalid anomalies.v1 records');
    }
    this.logger.debug({ size: messages.length, delivered, subscribers: this.subscribers.size }, 'anomaly feed: batch delivered');
  }

  private parse(message: ConsumedMessage): AnomalyRecord | null {
    if (message.value === null) return null;
    let parsed: unknown;
    try {
      parsed = JSON.parse(message.value.toString('utf8'));
    } catch (error) {
      this.logger.debug({ offset: message.offset, err: error }, 'anomaly feed: record is not JSON');
      return null;
    }
    return Value.Check(AnomalyRecordSchema, parsed) ? parsed : null;
  }
}
