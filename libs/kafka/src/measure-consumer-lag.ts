import type { Admin, Kafka } from 'kafkajs';
import type { SelfMeasurement } from './self-telemetry';

/**
 * Per partition of `topic`: messages that group `groupId` has not committed yet (a partition the
 * group never committed counts from its low watermark).
 */
export const measureConsumerLagByPartition = async (admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> => {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedByPartition = new Map(
    (committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]),
  );
  const lag = new Map<number, number>();
  for (const end of ends) {
    const done = committedByPartition.get(end.partition) ?? -1n;
    const from = done >= 0n ? done : BigInt(end.low);
    const behind = BigInt(end.high) - from;
    lag.set(end.partition, behind > 0n ? Number(behind) : 0);
  }
  return lag;
};

/** Messages on `topic` that group `groupId` has not committed yet, summed over partitions. */
export const measureConsumerLag = async (admin: Admin, groupId: string, topic: string): Promise<number> => {
  let total = 0;
  for (const lag of (await measureConsumerLagByPartition(admin, groupId, topic)).values()) total += lag;
  return total;
};

export interface ConsumerLagCollector {
  /** telemetry.self.consumer_lag measurements, one per partition of each topic. */
  collect: () => Promise<SelfMeasurement[]>;
  close: () => Promise<void>;
}

/** Self-telemetry of a consumer group's lag, over one admin client connected on first use. */
export const createConsumerLagCollector = (kafka: Kafka, groupId: string, topics: readonly string[]): ConsumerLagCollector => {
  let admin: Promise<Admin> | null = null;
  const connected = () =>
    (admin ??= (async () => {
      const client = kafka.admin();
      await client.connect();
      return client;
    })().catch((error: unknown) => {
      // Let the next collect try again rather than keep a client that never connected.
      admin = null;
      throw error;
    }));
  return {
    collect: async () => {
      const client = await connected();
      const measurements: SelfMeasurement[] = [];
      for (const topic of topics) {
        for (const [partition, lag] of await measureConsumerLagByPartition(client, groupId, topic)) {
          measurements.push({ name: 'consumer_lag', value: lag, attributes: { topic, partition } });
        }
      }
      return measurements;
    },
    close: async () => {
      const client = admin;
      admin = null;
      if (client) await (await client.catch(() => null))?.disconnect();
    },
  };
};
