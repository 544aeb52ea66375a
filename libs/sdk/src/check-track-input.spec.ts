import { ATTRIBUTE_KEY_PATTERN, DEFAULT_EVENT_LIMITS, FORBIDDEN_ATTRIBUTE_KEYS, METRIC_NAME_PATTERN } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { checkTrackInput, SDK_ATTRIBUTE_KEY_PATTERN, SDK_EVENT_LIMITS, SDK_METRIC_NAME_PATTERN } from './check-track-input';
import type { SdkAttributes } from './telemetry-types';

describe('checkTrackInput', () => {
  it('copies the ingest contract exactly (so the bundle needs no TypeBox)', () => {
    expect(SDK_METRIC_NAME_PATTERN).toBe(METRIC_NAME_PATTERN);
    expect(SDK_ATTRIBUTE_KEY_PATTERN).toBe(ATTRIBUTE_KEY_PATTERN);
    expect(SDK_EVENT_LIMITS).toEqual({
      maxAttributes: DEFAULT_EVENT_LIMITS.maxAttributes,
      maxAttributeKeyLength: DEFAULT_EVENT_LIMITS.maxAttributeKeyLength,
      maxStringValueLength: DEFAULT_EVENT_LIMITS.maxStringValueLength,
      maxIdLength: DEFAULT_EVENT_LIMITS.maxIdLength,
      maxMetricNameLength: DEFAULT_EVENT_LIMITS.maxMetricNameLength,
    });
    for (const key of FORBIDDEN_ATTRIBUTE_KEYS) expect(checkTrackInput('a.b', 1, { [key]: 1 }, undefined)).toBe('invalid_attribute_key');
  });

  const manyAttributes = Object.fromEntries(Array.from({ length: 33 }, (_, index) => [`k${index}`, index]));
  it.each<[string, string, number, SdkAttributes | undefined, string | undefined, string | undefined]>([
    ['a valid event', 'checkout.latency', 12.5, { region: 'eu', retry: true, attempt: 2 }, 'user-1', undefined],
    ['upper-case metric', 'Checkout.latency', 1, undefined, undefined, 'invalid_metric'],
    ['metric with a space', 'checkout latency', 1, undefined, undefined, 'invalid_metric'],
    ['too long a metric', `a${'b'.repeat(128)}`, 1, undefined, undefined, 'invalid_metric'],
    ['NaN value', 'a.b', Number.NaN, undefined, undefined, 'invalid_value'],
    ['infinite value', 'a.b', Number.POSITIVE_INFINITY, undefined, undefined, 'invalid_value'],
    ['empty subject', 'a.b', 1, undefined, '', 'invalid_subject'],
    ['33 attributes', 'a.b', 1, manyAttributes, undefined, 'too_many_attributes'],
    ['attribute key with a space', 'a.b', 1, { 'bad key': 1 }, undefined, 'invalid_attribute_key'],
    ['attribute value of 257 characters', 'a.b', 1, { note: 'x'.repeat(257) }, undefined, 'attribute_too_long'],
    ['attribute value that is an object', 'a.b', 1, { nested: {} as unknown as string }, undefined, 'invalid_attribute_value'],
  ])('%s', (_name, metric, value, attributes, subjectId, expected) => {
    expect(checkTrackInput(metric, value, attributes, subjectId)).toBe(expected);
  });
});
