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
  private producer: Producer;
  /** Set after a failed send: the producer's sequence numbers may no longer be the broker's. */
  private stale = false;
  private renewing: Promise<void> | null = null;

  private constructor(
    private readonly create: () => Producer,
    producer: Producer,
  ) {
    this.producer = producer;
  }

  static async connect(kafka: Kafka, options: BatchProducerOptions = {}): Promise<BatchProducer> {
    const create = () =>
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        transactionalId: options.transactionalId,
        retry: { retries: options.retries ?? 5, initialRetryTime: 100, maxRetryTime: 2_000 },
      });
    const producer = create();
    await producer.connect();
    return new BatchProducer(create, producer);
  }

  /** Sends messages to several topics in one request per broker; resolves once all are acknowledged. */
  async send(batches: ReadonlyArray<{ topic: string; messages: readonly OutgoingMessage[] }>): Promise<void> {
    try {
      if (this.stale) await this.renew();
      for (const topicMessages of chunkByBytes(batches, MAX_PRODUCE_REQUEST_BYTES)) {
        await this.producer.sendBatch({ topicMessages, acks: -1 });
      }
    } catch (error) {
      this.stale = true;
      throw new KafkaUnavailableError('Kafka did not acknowledge the batch', { cause: error });
    }
  }

  /**
   * When a request fails, kafkajs takes back the partition's sequence numbers, even if the broker
   * wrote the batch and only the answer was lost (a broker shutting down while it answers). The
   * next batch would then go out with the same numbers, and the broker, taking it for a retry of
   * the written one, would acknowledge it without writing it: acknowledged data lost (seen in
   * test/faults/broker-restart.spec.ts). A new producer gets a new producer id, whose sequences
   * start afresh; a batch that was written after all is then written twice, which consumers dedupe.
   */
  private renew(): Promise<void> {
    this.renewing ??= (async () => {
      const previous = this.producer;
      await previous.disconnect().catch(() => undefined);
      const next = this.create();
      await next.connect();
      this.producer = next;
      this.stale = false;
    })().finally(() => {
      this.renewing = null;
    });
    return this.renewing;
  }

  get raw(): Producer {
    return this.producer;
  }

  async disconnect(): Promise<void> {
    await this.producer.disconnect();
  }
}
