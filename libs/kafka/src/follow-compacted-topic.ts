import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';

export interface CompactedTopicView<T> {
  /** The latest value per key; tombstoned keys are absent. */
  readonly values: ReadonlyMap<string, T>;
  /** Resolves once everything that was on the topic at start has been read. */
  readonly caughtUp: Promise<void>;
  stop: () => Promise<void>;
}

export interface FollowOptions<T> {
  kafka: Kafka;
  topic: string;
  /** Parses a record value; throwing skips the record (reported through onInvalid). */
  parse: (value: Buffer) => T;
  /** Called for every applied change, after the view is updated (null = tombstone). */
  onChange?: (key: string, value: T | null) => void;
  onInvalid?: (key: string, error: unknown) => void;
  /** Names the throwaway consumer group, for people reading the broker's group list. */
  groupPrefix: string;
}

/**
 * Keeps an in-memory view of a compacted topic (consent.v1, catalog.v1): reads it from the beginning
 * at start, then follows it live. Each instance uses its own consumer group and never commits, because
 * every instance needs the whole topic, not a share of its partitions.
 */
export const followCompactedTopic = async <T>(options: FollowOptions<T>): Promise<CompactedTopicView<T>> => {
  const values = new Map<string, T>();
  const admin = options.kafka.admin();
  await admin.connect();
  const endOffsets = await admin.fetchTopicOffsets(options.topic);
  await admin.disconnect();

  // Partitions still to read up to the offset that was their end when we started.
  const pending = new Map<number, bigint>();
  for (const { partition, high, low } of endOffsets) {
    if (BigInt(high) > BigInt(low)) pending.set(partition, BigInt(high) - 1n);
  }
  let markCaughtUp: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => {
    markCaughtUp = resolve;
  });
  if (pending.size === 0) markCaughtUp();

  const consumer = options.kafka.consumer({
    groupId: `${options.groupPrefix}-${randomUUID()}`,
    maxWaitTimeInMs: 100,
    sessionTimeout: 30_000,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: options.topic, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const message of batch.messages) {
        const key = message.key?.toString('utf8');
        if (key === undefined) continue;
        if (message.value === null || message.value.length === 0) {
          values.delete(key);
          options.onChange?.(key, null);
          continue;
        }
        try {
          const value = options.parse(message.value);
          values.set(key, value);
          options.onChange?.(key, value);
        } catch (error) {
          options.onInvalid?.(key, error);
        }
      }
      const target = pending.get(batch.partition);
      if (target !== undefined && BigInt(batch.lastOffset()) >= target) {
        pending.delete(batch.partition);
        if (pending.size === 0) markCaughtUp();
      }
    },
  });

  return {
    values,
    caughtUp,
    stop: async () => {
      await consumer.disconnect();
    },
  };
};
