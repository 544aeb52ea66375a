import type { CleanEnvelope, MetricDefinition, TelemetryEvent } from '@telemetry/contracts';
import { BatchProducer, type TopicNames } from '@telemetry/kafka';
import type { INestApplicationContext } from '@nestjs/common';
import { loadConfig } from '@telemetry/config';
import type { Kafka } from 'kafkajs';
import { processorConfigSchema } from '../src/config';
import { createProcessorApp } from '../src/processor.module';
import { ProcessorService } from '../src/processor.service';

export const definition = (name: string, type: MetricDefinition['type'], attributes: string[], extra: Partial<MetricDefinition> = {}): MetricDefinition => ({
  name,
  type,
  description: `${name} (test)`,
  purpose: 'none',
  expires: 'never',
  attributes,
  ...extra,
});

export const publishCatalog = async (kafka: Kafka, topics: TopicNames, definitions: MetricDefinition[]): Promise<void> => {
  const producer = await BatchProducer.connect(kafka);
  await producer.send([{ topic: topics.catalog, messages: definitions.map((d) => ({ key: d.name, value: JSON.stringify(d) })) }]);
  await producer.disconnect();
};

/** Clean envelopes of at most `perEnvelope` events, keyed by source like the privacy stage writes them. */
export const envelopes = (sourceId: string, events: TelemetryEvent[], perEnvelope = 500, receivedAt = new Date()): Array<{ key: string; value: string }> => {
  const messages: Array<{ key: string; value: string }> = [];
  for (let start = 0; start < events.length; start += perEnvelope) {
    const envelope: CleanEnvelope = { sourceId, receivedAt: receivedAt.toISOString(), events: events.slice(start, start + perEnvelope) };
    messages.push({ key: sourceId, value: JSON.stringify(envelope) });
  }
  return messages;
};

/** Deterministic values with a long tail, so the quantiles are worth checking. */
export const tailValues = (n: number, seed: number): number[] => {
  let state = seed;
  return Array.from({ length: n }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return Math.round(((state / 2_147_483_648) ** 4 * 5_000 + 5) * 1_000) / 1_000;
  });
};

/** True when `got` is within the sketch's 1% of the exact value at quantile q (between the two ranks around it). */
export const withinSketchError = (sorted: readonly number[], q: number, got: number | null): boolean => {
  if (got === null) return false;
  const rank = q * (sorted.length - 1);
  const lower = sorted[Math.floor(rank)] as number;
  const upper = sorted[Math.ceil(rank)] as number;
  return got >= lower * 0.99 - 1e-9 && got <= upper * 1.01 + 1e-9;
};

/**
 * A processor on the test's database and topics with its periodic jobs out of the way (hourly
 * rollups once an hour, no mining, no self-telemetry), returned once it has joined its group.
 */
export const startQuietProcessor = async (databaseUrl: string, topicSuffix: string): Promise<INestApplicationContext> => {
  const app = await createProcessorApp(
    loadConfig(processorConfigSchema, {
      DATABASE_URL: databaseUrl,
      KAFKA_TOPIC_SUFFIX: topicSuffix,
      PROCESSOR_GROUP_ID: `processor${topicSuffix}`,
      ROLLUP_HOURLY_INTERVAL_MS: String(3_600_000),
      MINING_INTERVAL_MS: '0',
      SELF_TELEMETRY_INTERVAL_MS: '0',
      LOG_LEVEL: 'error',
    }),
  );
  await app.get(ProcessorService).joined;
  return app;
};
