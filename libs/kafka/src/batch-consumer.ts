import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka } from 'kafkajs';

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  timestampMs: number;
}

export interface BatchContext {
  topic: string;
  partition: number;
  /** Call between chunks of long work so the group does not think this member died. */
  heartbeat: () => Promise<void>;
  isRunning: () => boolean;
}

/**
 * Handles one fetched batch of one partition. It must make its results durable (produced with
 * acks = all, or committed to PostgreSQL) before resolving: offsets are committed right after.
 * Throwing makes kafkajs fetch the same messages again (at-least-once), so handlers are idempotent.
 */
export type BatchHandler = (messages: ConsumedMessage[], context: BatchContext) => Promise<void>;

export interface BatchConsumerOptions {
  kafka: Kafka;
  groupId: string;
  topics: string[];
  handleBatch: BatchHandler;
  fromBeginning?: boolean;
  /** Partitions processed at the same time by this instance; order always holds within a partition. */
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  /** How long the broker may wait to fill a fetch: the latency floor of an idle pipeline. */
  maxWaitTimeMs?: number;
  sessionTimeoutMs?: number;
  /** Called with the partitions this member owns after every rebalance. */
  onAssignment?: (assignment: Record<string, number[]>) => void;
  consumerConfig?: Partial<ConsumerConfig>;
}

export interface RunningConsumer {
  consumer: Consumer;
  /** Resolves when the group has been joined and partitions assigned for the first time. */
  joined: Promise<void>;
  /** Finishes the batch in hand, commits it, leaves the group. */
  stop: () => Promise<void>;
}

const decode = (payload: EachBatchPayload): ConsumedMessage[] =>
  payload.batch.messages.map((message) => ({
    topic: payload.batch.topic,
    partition: payload.batch.partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    value: message.value,
    timestampMs: Number(message.timestamp),
  }));

/**
 * A kafkajs `eachBatch` loop with commit-after-durable semantics (STYLE.md §3): decode the batch,
 * hand it to the handler, then resolve and commit the last offset. Nothing is committed for a
 * batch whose handler failed, so a crash or error replays it.
 */
export const startBatchConsumer = async (options: BatchConsumerOptions): Promise<RunningConsumer> => {
  const sessionTimeout = options.sessionTimeoutMs ?? 30_000;
  const consumer = options.kafka.consumer({
    groupId: options.groupId,
    sessionTimeout,
    // At least three heartbeats per session, so one late heartbeat does not cost the partitions.
    heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
    maxBytesPerPartition: options.maxBytesPerPartition ?? 4 * 1024 * 1024,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 100,
    allowAutoTopicCreation: false,
    retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 200, maxRetryTime: 5_000 },
    ...options.consumerConfig,
  });

  let markJoined: () => void = () => undefined;
  const joined = new Promise<void>((resolve) => {
    markJoined = resolve;
  });
  consumer.on(consumer.events.GROUP_JOIN, (event) => {
    options.onAssignment?.(event.payload.memberAssignment);
    markJoined();
  });

  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
    eachBatch: async (payload) => {
      const messages = decode(payload);
      if (messages.length === 0) return;
      await options.handleBatch(messages, {
        topic: payload.batch.topic,
        partition: payload.batch.partition,
        heartbeat: payload.heartbeat,
        isRunning: payload.isRunning,
      });
      const lastOffset = payload.batch.lastOffset();
      payload.resolveOffset(lastOffset);
      await payload.commitOffsetsIfNecessary({
        topics: [{
          topic: payload.batch.topic,
          partitions: [{ partition: payload.batch.partition, offset: (BigInt(lastOffset) + 1n).toString() }],
        }],
      });
    },
  });

  return {
    consumer,
    joined,
    stop: async () => {
      // disconnect() waits for the batch in hand to finish (and commit) before leaving the group.
      await consumer.disconnect();
    },
  };
};
