import type { Kafka } from 'kafkajs';

/** /readyz: the cluster answers a metadata request. One admin client, reused across probes. */
export const kafkaReadinessCheck = (kafka: Kafka) => {
  const admin = kafka.admin();
  let connected: Promise<void> | undefined;
  return {
    name: 'kafka',
    check: async () => {
      connected ??= admin.connect();
      try {
        await connected;
        await admin.describeCluster();
      } catch (error) {
        connected = undefined;
        throw error;
      }
    },
    close: () => admin.disconnect(),
  };
};
