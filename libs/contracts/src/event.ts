import { Type, type Static } from '@sinclair/typebox';
import { DEFAULT_EVENT_LIMITS, type EventLimits } from './limits';

/** Metric names are dotted lowercase identifiers, e.g. "checkout.latency". */
export const METRIC_NAME_PATTERN = '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$';
/**
 * Metric names the pipeline keeps for its own figures: only the services' own reports (source
 * `telemetry-self`, libs/kafka SELF_SOURCE_ID) may carry them. Ingest refuses them from senders and
 * the privacy filter dead-letters them from any other source (`reserved_metric`): such an event
 * would skip PII scrubbing and mix into, or mask, the services' own series.
 */
export const RESERVED_METRIC_PREFIX = 'telemetry.self.';
export const isReservedMetricName = (name: string): boolean => name.startsWith(RESERVED_METRIC_PREFIX);
/** Attribute keys: identifiers with dots, dashes and slashes (OTel semantic-convention style). */
export const ATTRIBUTE_KEY_PATTERN = '^[A-Za-z_][A-Za-z0-9_.\\-/:]*$';
/** Keys that would reach an object's prototype if copied naively; refused everywhere. */
export const FORBIDDEN_ATTRIBUTE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export const createEventSchema = (limits: EventLimits = DEFAULT_EVENT_LIMITS) =>
  Type.Object(
    {
      id: Type.String({ minLength: 1, maxLength: limits.maxIdLength }),
      metric: Type.String({ minLength: 1, maxLength: limits.maxMetricNameLength, pattern: METRIC_NAME_PATTERN }),
      value: Type.Number(),
      timestamp: Type.Union([Type.String({ minLength: 1, maxLength: 40 }), Type.Number()]),
      subjectId: Type.Optional(Type.String({ minLength: 1, maxLength: limits.maxIdLength })),
      attributes: Type.Optional(
        Type.Record(
          Type.String(),
          Type.Union([Type.String({ maxLength: limits.maxStringValueLength }), Type.Number(), Type.Boolean()]),
          { maxProperties: limits.maxAttributes },
        ),
      ),
    },
    { additionalProperties: false },
  );

export const EventSchema = createEventSchema();
export type AttributeValue = string | number | boolean;
export type Attributes = Record<string, AttributeValue>;
export type TelemetryEvent = Static<typeof EventSchema>;
