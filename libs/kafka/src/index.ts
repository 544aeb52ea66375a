/**
 * libs/kafka — everything that talks to Kafka, over kafkajs (kept behind this lib so a faster
 * client could replace it): client construction from config, topic creation, an idempotent
 * acks=all batch producer, a batch consumer that commits only after the batch is durable, and
 * dead-letter records.
 */
export * from './create-kafka';
export * from './topic-names';
export * from './ensure-topics';
export * from './batch-producer';
export * from './batch-consumer';
export * from './dead-letter';
export * from './kafka-readiness-check';
export * from './follow-compacted-topic';
export * from './catalog-client';
export * from './self-telemetry';
export * from './measure-consumer-lag';
export * from './self-metric-definitions';
