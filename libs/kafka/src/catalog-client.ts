import { Value } from '@sinclair/typebox/value';
import { createHistogramPartLookup, MetricDefinitionSchema, type MetricDefinition } from '@telemetry/contracts';
import type { Kafka } from 'kafkajs';
import { followCompactedTopic } from './follow-compacted-topic';

export interface CatalogClient {
  /** A declared metric, or a part (`.count`, `.sum`, `.bucket`) of a declared histogram. */
  get: (metric: string) => MetricDefinition | undefined;
  /** The declared metrics (histogram parts are not listed). */
  all: () => MetricDefinition[];
  /** Resolves once the catalog as it was at start is loaded; services wait for it before consuming. */
  caughtUp: Promise<void>;
  /** Registers a listener for live changes (null definition = the metric was removed). */
  onChange: (listener: (name: string, definition: MetricDefinition | null) => void) => void;
  stop: () => Promise<void>;
}

/**
 * The services' view of the metric catalog: catalog.v1 (compacted, key = metric name) read from
 * the beginning at start and followed live, so a catalog:apply reaches every service in seconds.
 */
export const startCatalogClient = async (kafka: Kafka, topic: string, service: string): Promise<CatalogClient> => {
  const listeners: Array<(name: string, definition: MetricDefinition | null) => void> = [];
  const view = await followCompactedTopic<MetricDefinition>({
    kafka,
    topic,
    groupPrefix: `${service}-catalog`,
    parse: (value) => {
      const parsed: unknown = JSON.parse(value.toString('utf8'));
      if (!Value.Check(MetricDefinitionSchema, parsed)) throw new Error('not a metric definition');
      return parsed;
    },
    onChange: (name, definition) => listeners.forEach((listener) => listener(name, definition)),
  });
  const declared = (metric: string) => view.values.get(metric);
  const histogramPart = createHistogramPartLookup(declared);
  return {
    get: (metric) => declared(metric) ?? histogramPart(metric),
    all: () => [...view.values.values()],
    caughtUp: view.caughtUp,
    onChange: (listener) => {
      listeners.push(listener);
    },
    stop: view.stop,
  };
};
