import type { CatalogMetric } from '@telemetry/catalog';
import { hasExpired, isAttributeAllowed, pickAllowedAttributes, requiredPurpose } from '@telemetry/catalog';
import {
  TIMESTAMP_OUT_OF_RANGE,
  describeEventTimeWindow,
  isReservedMetricName,
  isWithinEventTimeWindow,
  ok,
  parseTimestampMs,
  reject,
  type Attributes,
  type ConsentRecord,
  type EventValidator,
  type Step,
  type TelemetryEvent,
} from '@telemetry/contracts';
import { isPurposeGranted } from './consent-decision';
import type { Scrubber } from './create-scrubber';
import type { DailyBudgetCounter } from './daily-budget-counter';
import { protectIdentifier } from './protect-identifier';

/** Why the filter dead-letters an event (telemetry.dlq.v1 `reason`). */
export const PRIVACY_REJECT_REASONS = [
  'malformed',
  'timestamp_out_of_range',
  'reserved_metric',
  'unknown_metric',
  'expired',
  'no_consent',
  'over_budget',
  /** The whole envelope: its sourceId holds PII (only a direct Kafka producer can set it; ingest stamps its own). */
  'invalid_source',
] as const;
export type PrivacyRejectReason = (typeof PRIVACY_REJECT_REASONS)[number];

/** What the filter counts over a call, for the service's metrics. */
export interface PrivacyTally {
  passed: number;
  rejected: Record<PrivacyRejectReason, number>;
  /** Undeclared attribute keys removed (data minimization). */
  strippedKeys: number;
  /** Matches per scrub rule (attribute values and event ids), indexed like `scrubber.ruleNames`. */
  scrubHits: number[];
  /** Event ids replaced by their keyed hash because a scrub rule would have changed them. */
  hashedEventIds: number;
}

export const createPrivacyTally = (): PrivacyTally => ({
  passed: 0,
  rejected: { malformed: 0, timestamp_out_of_range: 0, reserved_metric: 0, unknown_metric: 0, expired: 0, no_consent: 0, over_budget: 0, invalid_source: 0 },
  strippedKeys: 0,
  scrubHits: [],
  hashedEventIds: 0,
});

/**
 * What the steps read, for one batch. Everything is in memory: the app loads the catalog and
 * consent views before the batch. The budget counter and the tally are the only state written.
 */
export interface PrivacyBatch {
  readonly nowMs: number;
  /** Events stamped further than this into the future are refused (storage partitions exist only a few days ahead). */
  readonly maxFutureMs: number;
  readonly validateEvent: EventValidator;
  readonly findMetric: (name: string) => CatalogMetric | undefined;
  readonly consentFor: (pseudonym: string) => ConsentRecord | undefined;
  readonly pseudonymize: (subjectId: string) => string;
  /** Keyed hash for ids that hold PII (createIdentifierHasher): "h:" + base64url. */
  readonly hashIdentifier: (identifier: string) => string;
  readonly budget: DailyBudgetCounter;
  readonly scrubber: Scrubber;
  readonly tally: PrivacyTally;
  /**
   * The events are the services' own report (source SELF_SOURCE_ID), the only one that may carry
   * reserved metric names (telemetry.self.*). Absent means they are anyone else's.
   */
  readonly isSelfReport?: boolean;
}

/**
 * One event on its way through the steps. parseEvent creates it with every field, and each later
 * step fills in what it decided and hands the same object on: one allocation per event instead of
 * one per step, and one hidden class for V8. The interfaces below say which fields a step may read.
 */
interface EventInFlight {
  readonly event: TelemetryEvent;
  readonly timestampMs: number;
  metric: CatalogMetric | null;
  /** The subject's pseudonym; undefined when the event names no subject. */
  pseudonym: string | undefined;
  attributes: Attributes | undefined;
}

export interface ParsedEvent {
  readonly event: TelemetryEvent;
  readonly timestampMs: number;
}
export interface CatalogedEvent extends ParsedEvent {
  readonly metric: CatalogMetric;
}
export interface ConsentedEvent extends CatalogedEvent {
  /** The subject's pseudonym; undefined when the event names no subject. */
  readonly pseudonym: string | undefined;
}
export interface MinimizedEvent extends ConsentedEvent {
  readonly attributes: Attributes | undefined;
}

export const parseEvent: Step<unknown, ParsedEvent, PrivacyBatch> = (input, batch) => {
  const validation = batch.validateEvent(input);
  if (!validation.ok) return reject(validation.code === TIMESTAMP_OUT_OF_RANGE ? TIMESTAMP_OUT_OF_RANGE : 'malformed', validation.reason);
  const timestampMs = parseTimestampMs(validation.event.timestamp);
  if (timestampMs === null) return reject('malformed', 'timestamp');
  const inFlight: EventInFlight = { event: validation.event, timestampMs, metric: null, pseudonym: undefined, attributes: undefined };
  return ok(inFlight);
};

/**
 * The same window as ingest's answer (libs/contracts event-time-window.ts): kept as a guard for
 * direct Kafka producers, whose events no ingest checked.
 */
export const rejectFutureTimestamp: Step<ParsedEvent, ParsedEvent, PrivacyBatch> = (input, batch) =>
  isWithinEventTimeWindow(input.timestampMs, batch.nowMs, batch.maxFutureMs)
    ? ok(input)
    : reject(TIMESTAMP_OUT_OF_RANGE, describeEventTimeWindow(batch.maxFutureMs));

/**
 * telemetry.self.* from anyone but the services themselves would mix into, or mask, their own
 * series (an intrusion alarm hidden by a sender's zeros): it is refused whatever the catalog says.
 */
export const rejectReservedMetric: Step<ParsedEvent, ParsedEvent, PrivacyBatch> = (input, batch) =>
  batch.isSelfReport !== true && isReservedMetricName(input.event.metric) ? reject('reserved_metric') : ok(input);

export const lookUpMetric: Step<ParsedEvent, CatalogedEvent, PrivacyBatch> = (input, batch) => {
  const metric = batch.findMetric(input.event.metric);
  if (metric === undefined) return reject('unknown_metric');
  if (hasExpired(metric, batch.nowMs)) return reject('expired');
  (input as EventInFlight).metric = metric;
  return ok(input as CatalogedEvent);
};

/** Purpose "none" passes; any other purpose needs a subject that granted it (no record = nothing granted). */
export const requireConsent: Step<CatalogedEvent, ConsentedEvent, PrivacyBatch> = (input, batch) => {
  const subjectId = input.event.subjectId;
  const pseudonym = subjectId === undefined ? undefined : batch.pseudonymize(subjectId);
  const purpose = requiredPurpose(input.metric);
  if (purpose !== null) {
    if (pseudonym === undefined) return reject('no_consent', 'no subjectId');
    if (!isPurposeGranted(batch.consentFor(pseudonym), purpose)) return reject('no_consent', purpose);
  }
  (input as EventInFlight).pseudonym = pseudonym;
  return ok(input as ConsentedEvent);
};

/** After consent, so events that are refused anyway do not use up the budget. */
export const enforceBudget: Step<ConsentedEvent, ConsentedEvent, PrivacyBatch> = (input, batch) =>
  batch.budget.tryConsume(input.metric, batch.nowMs) ? ok(input) : reject('over_budget');

/** Declared attributes only; the event's own object when it declares nothing more (the usual case). */
export const minimizeAttributes: Step<ConsentedEvent, MinimizedEvent, PrivacyBatch> = (input, batch) => {
  const attributes = input.event.attributes;
  let kept = attributes;
  if (attributes !== undefined) {
    let undeclared = 0;
    for (const key in attributes) {
      if (!isAttributeAllowed(input.metric, key)) undeclared += 1;
    }
    if (undeclared > 0) {
      const picked = pickAllowedAttributes(input.metric, attributes);
      kept = picked.attributes;
      batch.tally.strippedKeys += picked.strippedKeys.length;
    }
  }
  (input as EventInFlight).attributes = kept;
  return ok(input as MinimizedEvent);
};

/**
 * The clean event: declared attributes with PII redacted, the subject as its pseudonym, and an id
 * that a scrub rule would change replaced by its keyed hash (the same for a replay of the event).
 */
export const scrubAndPseudonymize: Step<MinimizedEvent, TelemetryEvent, PrivacyBatch> = (input, batch) => {
  const { id: sentId, metric, value, timestamp } = input.event;
  const id = protectIdentifier(sentId, batch.scrubber, batch.hashIdentifier, batch.tally.scrubHits);
  if (id !== sentId) batch.tally.hashedEventIds += 1;
  // One literal with every key (undefined ones are left out of the JSON): a single hidden class.
  return ok({
    id,
    metric,
    value,
    timestamp,
    subjectId: input.pseudonym,
    attributes: input.attributes === undefined ? undefined : batch.scrubber.scrubAttributes(input.attributes, batch.tally.scrubHits),
  });
};
