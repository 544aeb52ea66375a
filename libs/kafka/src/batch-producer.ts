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
 * Brokers refuse a record batch over message.max.bytes (1 MiB by default), and a refused request
 * is retried forever; so one send() becomes several requests that each stay well below it.
 */
export const MAX_PRODUCE_REQUEST_BYTES = 768 * 1024;

/** What a message counts for against MAX_PRODUCE_REQUEST_BYTES (its bytes and the record's framing). */
export const messageBytes = (message: OutgoingMessage): number =>
  (message.value?.length ?? 0) + (message.key?.length ?? 0) + 64;

export const chunkByBytes = (
  batches: ReadonlyArray<{ topic: string; messages: readonly OutgoingMessage[] }>,
  maxBytes: number,
): TopicMessages[][] => {
  const requests: TopicMessages[][] = [];
  let current: TopicMessages[] = [];
  let currentBytes = 0;
  for (const batch of batches) {
    for (const message of batch.messages) {
      const bytes = messageBytes(message);
      if (currentBytes > 0 && currentBytes + bytes > maxBytes) {
        requests.push(current);
        current = [];
        currentBytes = 0;
      }
      const last = current[current.length - 1];
      if (last && last.topic === batch.topic) last.messages.push(message as Message);
      else current.push({ topic: batch.topic, messages: [message as Message] });
      currentBytes += bytes;
    }
  }
  if (current.length > 0) requests.push(current);
  return requests;
};

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
    try {
      for (const topicMessages of chunkByBytes(batches, MAX_PRODUCE_REQUEST_BYTES)) {
        await this.producer.sendBatch({ topicMessages, acks: -1 });
      }
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
