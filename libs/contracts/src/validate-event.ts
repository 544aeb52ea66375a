import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/errors';
import { createEventFastPath } from './create-event-fast-path';
import { ATTRIBUTE_KEY_PATTERN, FORBIDDEN_ATTRIBUTE_KEYS, createEventSchema, type TelemetryEvent } from './event';
import { TIMESTAMP_OUT_OF_RANGE, describeEventTimeWindow, isWithinEventTimeWindow, type EventTimeWindow } from './event-time-window';
import { findUnstorableText } from './find-unstorable-text';
import { DEFAULT_EVENT_LIMITS, type EventLimits } from './limits';
import { EARLIEST_TIMESTAMP_MS, LATEST_TIMESTAMP_MS, readTimestampMs } from './parse-timestamp';

/**
 * `code` is set when the event is well formed but stamped outside the accepted time window, so a
 * consumer can file it under that reason (the privacy filter's timestamp_out_of_range) rather than
 * as malformed.
 */
export type EventValidation = { ok: true; event: TelemetryEvent } | { ok: false; reason: string; code?: typeof TIMESTAMP_OUT_OF_RANGE };
/** What the caller knows about an input, letting the validator skip checks. */
export interface EventValidationHints {
  /**
   * No string in the input holds NUL or an unpaired surrogate: the JSON text it was parsed from
   * has no \u escape (raw bytes cannot encode either: JSON refuses raw control characters, and
   * UTF-8 decoding replaces surrogate bytes), checked once for a whole request.
   */
  textIsStorable?: boolean;
}
export type EventValidator = (input: unknown, path?: string, hints?: EventValidationHints) => EventValidation;

const attributeKeyPattern = new RegExp(ATTRIBUTE_KEY_PATTERN);

/** "/attributes/region" → "attributes.region"; "/events/3/value" → "events[3].value". */
export const formatJsonPointer = (pointer: string): string =>
  pointer
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, part) => (/^\d+$/.test(part) ? `${path}[${part}]` : path ? `${path}.${part}` : part), '');

const describe = (error: ValueError): string => {
  const schema = error.schema as Record<string, unknown>;
  if (error.value === undefined) return 'is required';
  if (schema['type'] === 'number') return 'must be a finite number';
  if (Array.isArray(schema['anyOf'])) {
    const variants = (schema['anyOf'] as Record<string, unknown>[]).map((variant) =>
      variant['type'] === 'string' && variant['maxLength'] !== undefined
        ? `a string of at most ${String(variant['maxLength'])} characters`
        : variant['type'] === 'number' ? 'a finite number' : `a ${String(variant['type'])}`,
    );
    return `must be ${variants.slice(0, -1).join(', ')} or ${variants[variants.length - 1] ?? 'valid'}`;
  }
  if (schema['maxLength'] !== undefined && typeof error.value === 'string' && error.value.length > Number(schema['maxLength'])) {
    return `must be at most ${String(schema['maxLength'])} characters`;
  }
  if (schema['pattern'] !== undefined) return `must match ${String(schema['pattern'])}`;
  if (schema['maxProperties'] !== undefined) return `must have at most ${String(schema['maxProperties'])} keys`;
  return error.message.charAt(0).toLowerCase() + error.message.slice(1);
};

/** The last check of every path to acceptance: text PostgreSQL cannot hold is refused here, with a reason. */
const acceptStorable = (event: TelemetryEvent, path: string): EventValidation => {
  const field = findUnstorableText(event);
  if (field === undefined) return { ok: true, event };
  return { ok: false, reason: `${path ? `${path}.${field}` : field}: must not contain NUL or unpaired surrogates (not storable as UTF-8 text)` };
};

const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace('.000', '');

/**
 * Builds the validator for one deployment's limits. Plain code accepts the events that are valid
 * (createEventFastPath); anything else goes through the compiled TypeBox check, whose errors name
 * the reason. With a time window (ingest), events stamped outside it are refused too; without one
 * (the privacy filter, which compares with its batch's clock itself), only the 2000–2200 sanity
 * range applies.
 */
export const createEventValidator = (limits: EventLimits = DEFAULT_EVENT_LIMITS, window?: EventTimeWindow): EventValidator => {
  const check: TypeCheck<ReturnType<typeof createEventSchema>> = TypeCompiler.Compile(createEventSchema(limits));
  const isValidEvent = createEventFastPath(limits, window);
  const now = window?.now ?? Date.now;
  const rangeText = window
    ? describeEventTimeWindow(window.maxFutureMs)
    : `accepted from ${isoSeconds(EARLIEST_TIMESTAMP_MS)} to ${isoSeconds(LATEST_TIMESTAMP_MS)}`;
  return (input, path = '', hints) => {
    if (isValidEvent(input)) return hints?.textIsStorable ? { ok: true, event: input } : acceptStorable(input, path);
    const prefix = (field: string) => (path ? (field ? `${path}.${field}` : path) : field || 'event');
    // Count attributes before the schema walks them: 10,000 keys must fail fast, not be scanned.
    const attributes = (input as { attributes?: unknown } | null)?.attributes;
    if (attributes !== null && typeof attributes === 'object' && !Array.isArray(attributes)) {
      const keys = Object.keys(attributes);
      if (keys.length > limits.maxAttributes) {
        return { ok: false, reason: `${prefix('attributes')}: must have at most ${limits.maxAttributes} keys` };
      }
      for (const key of keys) {
        if (FORBIDDEN_ATTRIBUTE_KEYS.has(key) || key.length > limits.maxAttributeKeyLength || !attributeKeyPattern.test(key)) {
          return { ok: false, reason: `${prefix('attributes')}: invalid key ${JSON.stringify(key.slice(0, 80))}` };
        }
      }
    }
    if (!check.Check(input)) {
      const first = check.Errors(input).First();
      if (!first) return { ok: false, reason: `${prefix('')}: invalid` };
      const field = formatJsonPointer(first.path);
      return { ok: false, reason: `${prefix(field)}: ${describe(first)}` };
    }
    if (!Number.isFinite(input.value)) return { ok: false, reason: `${prefix('value')}: must be a finite number` };
    const timestampMs = readTimestampMs(input.timestamp);
    if (timestampMs === null) return { ok: false, reason: `${prefix('timestamp')}: must be ISO-8601 or epoch milliseconds` };
    const isInRange = window
      ? isWithinEventTimeWindow(timestampMs, now(), window.maxFutureMs) && timestampMs <= LATEST_TIMESTAMP_MS
      : timestampMs >= EARLIEST_TIMESTAMP_MS && timestampMs <= LATEST_TIMESTAMP_MS;
    if (!isInRange) {
      // Seconds or microseconds where milliseconds were meant land here too: the range says which.
      return { ok: false, reason: `${prefix('timestamp')}: ${TIMESTAMP_OUT_OF_RANGE} (${rangeText})`, code: TIMESTAMP_OUT_OF_RANGE };
    }
    return acceptStorable(input, path);
  };
};
