import type { EventValidationHints, EventValidator, TelemetryEvent } from '@telemetry/contracts';

export interface RejectedEvent {
  index: number;
  reason: string;
}

export type EventBatchValidation =
  | { kind: 'malformed'; reason: string }
  | { kind: 'too_many'; count: number }
  | {
      kind: 'checked';
      /** Every event of the request, valid or not: what the rate limiter charges. */
      count: number;
      valid: TelemetryEvent[];
      rejected: RejectedEvent[];
      /** The body is exactly `{"events": [...]}` and every event passed: its text can be forwarded as is. */
      isVerbatim: boolean;
    };

/**
 * Checks a parsed `POST /v1/events` body: its shape (400 when wrong), the event count (413 over
 * the limit), then each event on its own, so one bad event never sinks the valid ones beside it.
 */
export const validateEventBatch = (
  body: unknown,
  validate: EventValidator,
  maxEventsPerRequest: number,
  hints?: EventValidationHints,
): EventBatchValidation => {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    return { kind: 'malformed', reason: 'body must be a JSON object {"events": [...]}' };
  }
  const events = (body as { events?: unknown }).events;
  if (!Array.isArray(events)) return { kind: 'malformed', reason: 'body.events must be an array of events' };
  if (events.length > maxEventsPerRequest) return { kind: 'too_many', count: events.length };
  const valid: TelemetryEvent[] = [];
  const rejected: RejectedEvent[] = [];
  for (let index = 0; index < events.length; index++) {
    const result = validate(events[index], '', hints);
    if (result.ok) {
      valid.push(result.event);
    } else {
      // The indexed path is only built for the (rare) failing event: no string per valid event.
      const described = validate(events[index], `events[${index}]`);
      rejected.push({ index, reason: described.ok ? result.reason : described.reason });
    }
  }
  const isVerbatim = rejected.length === 0 && Object.keys(body).length === 1;
  return { kind: 'checked', count: events.length, valid, rejected, isVerbatim };
};
