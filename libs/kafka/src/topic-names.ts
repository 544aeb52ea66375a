import { TOPICS, TOPIC_SPECS, type TopicKey, type TopicSpec } from '@telemetry/contracts';

export type TopicNames = Record<TopicKey, string>;

/**
 * Topic names of ARCHITECTURE.md plus an optional suffix: production uses none; tests give every
 * file its own topics ("telemetry.raw.v1.<testId>") so parallel suites never read each other's data.
 */
export const topicNames = (suffix = ''): TopicNames =>
  Object.fromEntries(Object.entries(TOPICS).map(([key, name]) => [key, `${name}${suffix}`])) as TopicNames;

export const topicSpecs = (suffix = ''): TopicSpec[] =>
  TOPIC_SPECS.map((spec) => ({ ...spec, name: `${spec.name}${suffix}` }));
