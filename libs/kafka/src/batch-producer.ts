import { KafkaUnavailableError } from '@telemetry/contracts';
import type { Kafka, Message, Producer, TopicMessages } from 'kafkajs';

export interface OutgoingMessage {
  key: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
}

export interface BatchProducerOptions {
  /** How long send() keeps retrying before it reports Kafka as unavailable. */
  retries?: number;
  /** Transactional id: turns the producer into a transactional one (exactly-once read-process-write). */
  transactionalId?: string;
}

/**
 * An idempotent producer that writes whole batches with acks = all: when send() resolves, every
 * message is on all in-sync replicas, so it is safe to acknowledge the sender or commit offsets.
 */
export class BatchProducer {
  private constructor(private readonly producer: Producer) {}

  static async connect(kafka: Kafka, options: BatchProducerOptions = {}): Promise<BatchProducer> {
    const producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      transactionalId: options.transactionalId,
      retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2_000 },
    });
    await producer.connect();
    return new BatchProducer(producer);
  }

  /** Sends messages to several topics in one request per broker; resolves once all are acknowledged. */
  async send(batches: ReadonlyArray<{ topic: string; messages: readonly OutgoingMessage[] }>): Promise<void> {
    const topicMessages: TopicMessages[] = batches
      .filter((batch) => batch.messages.length > 0)
      .map((batch) => ({ topic: batch.topic, messages: batch.messages as Message[] }));
    if (topicMessages.length === 0) return;
    try {
      await this.producer.sendBatch({ topicMessages, acks: -1 });
    } catch (error) {
      throw new KafkaUnavailableError('Kafka did not acknowledge the batch', { cause: error });
    }
  }

  get raw(): Producer {
    return this.producer;
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
