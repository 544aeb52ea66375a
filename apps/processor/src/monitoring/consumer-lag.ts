import type { Admin } from 'kafkajs';

/** Per partition: messages on the topic that the group has not committed yet. */
export const consumerLag = async (admin: Admin, groupId: string, topic: string): Promise<Map<number, number>> => {
  const [ends, committed] = await Promise.all([admin.fetchTopicOffsets(topic), admin.fetchOffsets({ groupId, topics: [topic] })]);
  const done = new Map<number, bigint>();
  for (const partition of committed[0]?.partitions ?? []) done.set(partition.partition, BigInt(partition.offset));
  const lag = new Map<number, number>();
  for (const end of ends) {
    const committedOffset = done.get(end.partition) ?? -1n;
    // -1 = nothing committed yet: everything from the low watermark on is still to do.
    const from = committedOffset < 0n ? BigInt(end.low) : committedOffset;
    lag.set(end.partition, Number(BigInt(end.high) - from));
  }
  return lag;
};
