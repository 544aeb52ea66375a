import { ATTRIBUTE_KEY_PATTERN, FORBIDDEN_ATTRIBUTE_KEYS, METRIC_NAME_PATTERN, type TelemetryEvent } from './event';
import type { EventTimeWindow } from './event-time-window';
import type { EventLimits } from './limits';
import { parseTimestampMs } from './parse-timestamp';

const metricNamePattern = new RegExp(METRIC_NAME_PATTERN);
const attributeKeyPattern = new RegExp(ATTRIBUTE_KEY_PATTERN);

const isEventKey = (key: string): boolean => {
  switch (key) {
    case 'id':
    case 'metric':
    case 'value':
    case 'timestamp':
    case 'subjectId':
    case 'attributes':
      return true;
    default:
      return false;
  }
};

const isBoundedString = (value: unknown, maxLength: number): boolean =>
  typeof value === 'string' && value.length >= 1 && value.length <= maxLength;

/** Names already found valid; cleared whole when full, so any stream of new names costs bounded memory. */
const MAX_REMEMBERED_NAMES = 4_096;
const rememberValid = (isValid: (name: string) => boolean): ((name: string) => boolean) => {
  const valid = new Set<string>();
  return (name) => {
    if (valid.has(name)) return true;
    if (!isValid(name)) return false;
    if (valid.size >= MAX_REMEMBERED_NAMES) valid.clear();
    valid.add(name);
    return true;
  };
};

/**
 * Everything createEventValidator demands of an event, in plain code: the compiled TypeBox check
 * allocates per event (an array of entries for the attributes, an array literal per top-level
 * key), which made validation the largest cost of every consumer that validates. It may only
 * accept what the schema and the validator's own rules accept, and may refuse more: a refused
 * event goes through the full check, which names the reason (validate-event.spec.ts compares the
 * two on generated events).
 */
export const createEventFastPath = (limits: EventLimits, window?: EventTimeWindow) => {
  const now = window?.now ?? Date.now;
  const maxFutureMs = window?.maxFutureMs ?? Number.POSITIVE_INFINITY;
  // Reading the clock cost as much as the rest of the check. A timestamp at or before a bound
  // already read is inside the window (the clock moves forward), so the clock is read again only
  // for a timestamp past the last bound.
  let latestAllowedMs = Number.NEGATIVE_INFINITY;
  const isNotTooFarAhead = (timestampMs: number): boolean => {
    if (timestampMs <= latestAllowedMs) return true;
    latestAllowedMs = now() + maxFutureMs;
    return timestampMs <= latestAllowedMs;
  };
  // A stream repeats a few metric names and attribute keys: a Set lookup instead of a regex each time.
  const isMetricName = rememberValid((name) => name.length <= limits.maxMetricNameLength && metricNamePattern.test(name));
  const isAttributeKey = rememberValid(
    (key) => key.length <= limits.maxAttributeKeyLength && !FORBIDDEN_ATTRIBUTE_KEYS.has(key) && attributeKeyPattern.test(key),
  );
  return (input: unknown): input is TelemetryEvent => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) return false;
    const event = input as Record<string, unknown>;
    if (!isBoundedString(event['id'], limits.maxIdLength)) return false;
    const metric = event['metric'];
    if (typeof metric !== 'string' || !isMetricName(metric)) return false;
    if (typeof event['value'] !== 'number' || !Number.isFinite(event['value'])) return false;
    const timestamp = event['timestamp'];
    if (typeof timestamp === 'string') {
      if (timestamp.length < 1 || timestamp.length > 40) return false;
    } else if (typeof timestamp !== 'number') {
      return false;
    }
    const timestampMs = parseTimestampMs(timestamp);
    if (timestampMs === null || !isNotTooFarAhead(timestampMs)) return false;
    const subjectId = event['subjectId'];
    if (subjectId !== undefined && !isBoundedString(subjectId, limits.maxIdLength)) return false;
    const attributes = event['attributes'];
    if (attributes !== undefined) {
      if (typeof attributes !== 'object' || attributes === null || Array.isArray(attributes)) return false;
      if (attributes instanceof Date || attributes instanceof Uint8Array) return false;
      // for-in reads values through V8's enum cache (a keyed load per name is several times slower);
      // it also visits inherited names, which only makes this stricter.
      let keys = 0;
      for (const key in attributes) {
        keys += 1;
        if (keys > limits.maxAttributes || !isAttributeKey(key)) return false;
        const value = (attributes as Record<string, unknown>)[key];
        if (typeof value === 'string') {
          if (value.length > limits.maxStringValueLength) return false;
        } else if (typeof value === 'number') {
          if (!Number.isFinite(value)) return false;
        } else if (typeof value !== 'boolean') {
          return false;
        }
      }
      // The schema counts own names, non-enumerable ones too (for-in skips them).
      if (Object.getOwnPropertyNames(attributes).length !== keys) return false;
    }
    for (const key of Object.getOwnPropertyNames(event)) {
      if (!isEventKey(key)) return false;
    }
    return true;
  };
};
