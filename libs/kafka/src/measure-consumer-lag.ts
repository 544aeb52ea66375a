import type { Admin } from 'kafkajs';

/**
 * Messages on `topic` that group `groupId` has not committed yet, summed over partitions
 * (a partition the group never committed counts from its low watermark).
 */
export const measureConsumerLag = async (admin: Admin, groupId: string, topic: string): Promise<number> => {
  const [ends, committed] = await Promise.all([
    admin.fetchTopicOffsets(topic),
    admin.fetchOffsets({ groupId, topics: [topic] }),
  ]);
  const committedByPartition = new Map(
    (committed[0]?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]),
  );
  let lag = 0n;
  for (const end of ends) {
    const done = committedByPartition.get(end.partition) ?? -1n;
    const from = done >= 0n ? done : BigInt(end.low);
    const behind = BigInt(end.high) - from;
    if (behind > 0n) lag += behind;
  }
  return Number(lag);
};
