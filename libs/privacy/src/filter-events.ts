import { pipeline, type TelemetryEvent } from '@telemetry/contracts';
import {
  enforceBudget,
  lookUpMetric,
  minimizeAttributes,
  parseEvent,
  rejectFutureTimestamp,
  rejectReservedMetric,
  requireConsent,
  scrubAndPseudonymize,
  type PrivacyBatch,
  type PrivacyRejectReason,
} from './privacy-steps';

/** The privacy filter for one event, as a table of contents (STYLE.md §3). */
export const privacyPipeline = pipeline(
  pipeline(parseEvent, rejectReservedMetric, rejectFutureTimestamp, lookUpMetric),
  pipeline(requireConsent, enforceBudget, minimizeAttributes, scrubAndPseudonymize),
);

/**
 * What a dead letter may say about an event: its id, metric, value and time with PII scrubbed, and
 * the subject only as its pseudonym. Attributes are dropped: they were never minimized for a
 * rejected event, so nothing in them is known to be declared.
 */
export interface DeadLetterEvent {
  id?: string;
  metric?: string;
  value?: number;
  timestamp?: string | number;
  subjectId?: string;
}

const MAX_DEAD_LETTER_TEXT = 256;

export const toDeadLetterEvent = (input: unknown, batch: PrivacyBatch): DeadLetterEvent | null => {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return null;
  const raw = input as Record<string, unknown>;
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' ? batch.scrubber.scrubValue(value.slice(0, MAX_DEAD_LETTER_TEXT), []) : undefined;
  const event: DeadLetterEvent = {};
  const id = text(raw['id']);
  if (id !== undefined) event.id = id;
  const metric = text(raw['metric']);
  if (metric !== undefined) event.metric = metric;
  if (typeof raw['value'] === 'number') event.value = raw['value'];
  const timestamp = typeof raw['timestamp'] === 'number' ? raw['timestamp'] : text(raw['timestamp']);
  if (timestamp !== undefined) event.timestamp = timestamp;
  if (typeof raw['subjectId'] === 'string') event.subjectId = batch.pseudonymize(raw['subjectId']);
  return event;
};

export interface FilterResult {
  clean: TelemetryEvent[];
  rejected: Array<{ event: DeadLetterEvent | null; reason: PrivacyRejectReason }>;
}

/** Runs the filter over an envelope's events, in order; counts into `batch.tally`. */
export const filterEvents = (events: readonly unknown[], batch: PrivacyBatch): FilterResult => {
  const clean: TelemetryEvent[] = [];
  const rejected: FilterResult['rejected'] = [];
  for (const input of events) {
    const result = privacyPipeline(input, batch);
    if (result.kind === 'ok') {
      clean.push(result.value);
      batch.tally.passed += 1;
    } else {
      const reason = result.reason as PrivacyRejectReason;
      batch.tally.rejected[reason] += 1;
      rejected.push({ event: toDeadLetterEvent(input, batch), reason });
    }
  }
  return { clean, rejected };
};
