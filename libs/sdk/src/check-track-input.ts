import type { SdkAttributes } from './telemetry-types';

/**
 * The ingest contract's per-event rules (libs/contracts event.ts and limits.ts), copied rather than
 * imported so that TypeBox stays out of the browser bundle; check-track-input.spec.ts fails when
 * they drift apart. Checking here keeps one bad event from being queued and resent forever.
 */
export const SDK_METRIC_NAME_PATTERN = '^[a-z][a-z0-9_]*(\\.[a-z0-9_]+)*$';
export const SDK_ATTRIBUTE_KEY_PATTERN = '^[A-Za-z_][A-Za-z0-9_.\\-/:]*$';
export const SDK_EVENT_LIMITS = {
  maxAttributes: 32,
  maxAttributeKeyLength: 64,
  maxStringValueLength: 256,
  maxIdLength: 128,
  maxMetricNameLength: 128,
} as const;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const metricNamePattern = new RegExp(SDK_METRIC_NAME_PATTERN);
const attributeKeyPattern = new RegExp(SDK_ATTRIBUTE_KEY_PATTERN);

/** Why an event cannot be sent, or undefined when it can. */
export const checkTrackInput = (
  metric: string,
  value: number,
  attributes: SdkAttributes | undefined,
  subjectId: string | undefined,
): string | undefined => {
  if (metric.length > SDK_EVENT_LIMITS.maxMetricNameLength || !metricNamePattern.test(metric)) return 'invalid_metric';
  if (typeof value !== 'number' || !Number.isFinite(value)) return 'invalid_value';
  if (subjectId !== undefined && (subjectId.length === 0 || subjectId.length > SDK_EVENT_LIMITS.maxIdLength)) {
    return 'invalid_subject';
  }
  if (attributes === undefined) return undefined;
  const entries = Object.entries(attributes);
  if (entries.length > SDK_EVENT_LIMITS.maxAttributes) return 'too_many_attributes';
  for (const [key, attributeValue] of entries) {
    if (key.length > SDK_EVENT_LIMITS.maxAttributeKeyLength || FORBIDDEN_KEYS.has(key) || !attributeKeyPattern.test(key)) {
      return 'invalid_attribute_key';
    }
    if (typeof attributeValue === 'string') {
      if (attributeValue.length > SDK_EVENT_LIMITS.maxStringValueLength) return 'attribute_too_long';
    } else if (typeof attributeValue === 'number') {
      if (!Number.isFinite(attributeValue)) return 'invalid_attribute_value';
    } else if (typeof attributeValue !== 'boolean') {
      return 'invalid_attribute_value';
    }
  }
  return undefined;
};
