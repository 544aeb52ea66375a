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
import { protectIdentifier } from './protect-identifier';

/** The privacy filter for one event, as a table of contents (STYLE.md §3). */
export const privacyPipeline = pipeline(
  pipeline(parseEvent, rejectReservedMetric, rejectFutureTimestamp, lookUpMetric),
  pipeline(requireConsent, enforceBudget, minimizeAttributes, scrubAndPseudonymize),
);

/**
 * What a dead letter may say about an event: its metric, value and time with PII scrubbed, its id as
 * the clean event would carry it (a keyed hash when a scrub rule would change it), and the subject
 * only as its pseudonym. Attributes are dropped: they were never minimized for a rejected event, so
 * nothing in them is known to be declared.
 */
export interface DeadLetterEvent {
  id?: string;
  metric?: string;
  value?: number;
  timestamp?: string | number;
  subjectId?: string;
}

const MAX_DEAD_LETTER_TEXT = 256;

/** An over-long id is hashed whole: a cut-off prefix could end inside PII that no rule then recognizes. */
const deadLetterId = (id: string, batch: PrivacyBatch): string => {
  const protectedId = protectIdentifier(id, batch.scrubber, batch.hashIdentifier, []);
  return protectedId.length > MAX_DEAD_LETTER_TEXT ? batch.hashIdentifier(id) : protectedId;
};

export const toDeadLetterEvent = (input: unknown, batch: PrivacyBatch): DeadLetterEvent | null => {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return null;
  const raw = input as Record<string, unknown>;
  // Scrubbed whole, then cut: cutting first could leave the start of an e-mail address or card
  // number ("bob@exam") that no rule recognizes any more.
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' ? batch.scrubber.scrubValue(value, []).slice(0, MAX_DEAD_LETTER_TEXT) : undefined;
  const event: DeadLetterEvent = {};
  const id = raw['id'];
  if (typeof id === 'string') event.id = deadLetterId(id, batch);
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

/** Dead-letters every event of an envelope for one reason (its source cannot go further); counts into `batch.tally`. */
export const rejectEvents = (events: readonly unknown[], reason: PrivacyRejectReason, batch: PrivacyBatch): FilterResult['rejected'] => {
  batch.tally.rejected[reason] += events.length;
  return events.map((input) => ({ event: toDeadLetterEvent(input, batch), reason }));
};

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
