import type { MetricDefinition } from '@telemetry/contracts';
import { SELF_METRIC_PREFIX } from './self-telemetry';

const machineTelemetry = { type: 'counter', unit: '1', owner: 'telemetry', purpose: 'none', expires: 'never' } as const;

/**
 * The telemetry.self.* metrics as examples/metrics.yaml defines them (a test keeps the two equal).
 * The privacy filter falls back to these while the applied catalog lacks a self metric, so the
 * services' own figures are never dead-lettered as unknown_metric — which would feed the
 * dead_letters figure with dead letters of itself. The catalog, once applied, wins.
 */
export const SELF_METRIC_DEFINITIONS: readonly MetricDefinition[] = [
  {
    ...machineTelemetry,
    name: `${SELF_METRIC_PREFIX}auth_failures`,
    description: 'Requests to ingest or the API refused for a missing, bad or revoked key or token.',
    hypothesis: 'A burst of failed authentications is a credential-stuffing attempt or a leaked, revoked key.',
    action: 'Find the source address and key prefix in the audit log; block or rotate.',
    attributes: ['service', 'reason'],
    highResolution: true,
  },
  {
    ...machineTelemetry,
    name: `${SELF_METRIC_PREFIX}rejections`,
    description: 'Events rejected by ingest or the privacy filter, by reason.',
    hypothesis: 'A rise in rejections means a sender ships malformed or unconsented events.',
    action: 'Look up the reasons in the dead-letter topic and tell the sending team.',
    attributes: ['service', 'reason', 'source'],
  },
  {
    ...machineTelemetry,
    name: `${SELF_METRIC_PREFIX}dead_letters`,
    description: 'Records written to telemetry.dlq.v1, by stage and reason.',
    hypothesis: 'Dead letters above the usual level mean data is being lost for a reason someone can fix.',
    action: 'Inspect telemetry.dlq.v1 for the dominant reason and stage.',
    attributes: ['stage', 'reason'],
  },
  {
    ...machineTelemetry,
    type: 'gauge',
    name: `${SELF_METRIC_PREFIX}consumer_lag`,
    description: 'Messages each consumer group is behind the end of its topic.',
    hypothesis: 'Growing lag means a stage cannot keep up and data arrives late.',
    action: 'Scale the lagging service out (add replicas up to the partition count).',
    attributes: ['service', 'topic', 'partition'],
    alert: { above: 100_000 },
  },
  {
    ...machineTelemetry,
    type: 'gauge',
    unit: 'events/s',
    name: `${SELF_METRIC_PREFIX}source_volume`,
    description:
      "Events per second accepted from each source over the last 5 minutes (SELF_TELEMETRY_VOLUME_WINDOW_MS); 0 for an hour after a source's last event.",
    hypothesis: "A sudden drop in a source's volume means that sender broke.",
    action: "Tell the source's owner; check its last rejections.",
    attributes: ['source'],
    highResolution: true,
    alert: { dropPercent: 90, dropFrom: 0.1 },
  },
];

const byName = new Map(SELF_METRIC_DEFINITIONS.map((definition) => [definition.name, definition]));

/** The built-in definition of a self metric, or undefined for any other name. */
export const selfMetricDefinition = (name: string): MetricDefinition | undefined => byName.get(name);
