import type { TopicSpec } from '@telemetry/contracts';
import type { Kafka } from 'kafkajs';

/**
 * Creates the topics that do not exist yet (existing ones are left as they are, so running it
 * twice is harmless). Compacted topics keep the latest record per key: consent and catalog are
 * rebuilt from them at start.
 */
export const ensureTopics = async (kafka: Kafka, specs: readonly TopicSpec[], partitions: number): Promise<string[]> => {
  // Right after creation a broker may still answer "does not host this topic-partition" while
  // leaders are elected; creating only what is missing makes a retry harmless.
  for (let attempt = 1; ; attempt++) {
    try {
      return await createMissingTopics(kafka, specs, partitions);
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300 * attempt));
    }
  }
};

const createMissingTopics = async (kafka: Kafka, specs: readonly TopicSpec[], partitions: number): Promise<string[]> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((spec) => !existing.has(spec.name));
    if (missing.length === 0) return [];
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((spec) => ({
        topic: spec.name,
        numPartitions: partitions,
        replicationFactor: -1,
        configEntries: spec.compacted
          ? [{ name: 'cleanup.policy', value: 'compact' }, { name: 'min.cleanable.dirty.ratio', value: '0.1' }]
          : [],
      })),
    });
    // Wait until every partition has a leader, so the first produce or fetch does not fail.
    await admin.fetchTopicMetadata({ topics: specs.map((spec) => spec.name) });
    return missing.map((spec) => spec.name);
  } finally {
    await admin.disconnect();
  }
};
