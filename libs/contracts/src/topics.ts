/** Kafka topic names of ARCHITECTURE.md, defined once. */
export const TOPICS = {
  raw: 'telemetry.raw.v1',
  clean: 'telemetry.clean.v1',
  dlq: 'telemetry.dlq.v1',
  consent: 'consent.v1',
  catalog: 'catalog.v1',
  rollup: 'metrics.rollup.v1',
  anomalies: 'anomalies.v1',
} as const;

export type TopicKey = keyof typeof TOPICS;
export type TopicName = (typeof TOPICS)[TopicKey];

export interface TopicSpec {
  name: string;
  /** Compacted topics keep the latest value per key forever (consent, catalog). */
  compacted: boolean;
}

export const TOPIC_SPECS: readonly TopicSpec[] = [
  { name: TOPICS.raw, compacted: false },
  { name: TOPICS.clean, compacted: false },
  { name: TOPICS.dlq, compacted: false },
  { name: TOPICS.consent, compacted: true },
  { name: TOPICS.catalog, compacted: true },
  { name: TOPICS.rollup, compacted: false },
  { name: TOPICS.anomalies, compacted: false },
];
