import { TypeCompiler } from '@sinclair/typebox/compiler';
import { EventEnvelopeSchema, type CleanEnvelope } from '@telemetry/contracts';
import { deadLetterMessage, SELF_METRIC_PREFIX, SELF_SOURCE_ID, selfMetricDefinition, type ConsumedMessage, type OutgoingMessage } from '@telemetry/kafka';
import { createCatalogLookup, filterEvents, identifierHoldsPii, rejectEvents, type FilterResult, type PrivacyBatch, type Scrubber } from '@telemetry/privacy';

const envelopeCheck = TypeCompiler.Compile(EventEnvelopeSchema);

export interface FilteredMessages {
  /** telemetry.clean.v1: one envelope per raw envelope that kept at least one event, in order. */
  clean: OutgoingMessage[];
  /** telemetry.dlq.v1: one record per rejected event (or per unreadable envelope). */
  deadLetters: OutgoingMessage[];
  eventsIn: number;
  /** Raw messages that were not an envelope at all (not JSON, wrong shape). */
  envelopesRejected: number;
  /** Dead letters per (source, reason): the privacy service's telemetry.self.rejections. */
  rejectedBySource: Array<{ sourceId: string; reason: string; count: number }>;
}

const UNKNOWN_SOURCE = 'unknown';
const MAX_ECHOED_KEY_LENGTH = 128;

/**
 * The source a dead letter of an unreadable envelope names: the message key, or its keyed hash when
 * a scrub rule would change it or it is too long to echo whole (a cut-off prefix could end inside
 * PII that no rule then recognizes).
 */
const keyForDeadLetter = (key: string, batch: PrivacyBatch): string =>
  key.length > MAX_ECHOED_KEY_LENGTH || identifierHoldsPii(key, batch.scrubber, []) ? batch.hashIdentifier(key) : key;

const isSelfMetricEvent = (event: unknown): boolean =>
  typeof event === 'object' && event !== null && String((event as { metric?: unknown }).metric).startsWith(SELF_METRIC_PREFIX);

/**
 * The services' own figures carry ids, reasons and topic names, no personal data; scrubbing them
 * would redact the odd source id (a UUID can look like a card or phone number) and split its series.
 * They are still checked against the catalog and minimized like any event.
 */
const unscrubbed = (scrubber: Scrubber): Scrubber => ({
  ruleNames: scrubber.ruleNames,
  scrubValue: (value) => value,
  scrubAttributes: (attributes) => attributes,
});

const findBuiltInSelfMetric = createCatalogLookup(selfMetricDefinition);

/**
 * For the services' own report only (source SELF_SOURCE_ID): its telemetry.self.* events may use
 * the reserved names, pass on their built-in definitions (SELF_METRIC_DEFINITIONS) while the
 * catalog lacks them, since an unknown_metric dead letter would feed the dead_letters figure with
 * itself, and skip scrubbing. Any other source's telemetry.self.* events are reserved_metric.
 */
const selfReportBatch = (batch: PrivacyBatch): PrivacyBatch => ({
  ...batch,
  scrubber: unscrubbed(batch.scrubber),
  findMetric: (name) => batch.findMetric(name) ?? findBuiltInSelfMetric(name),
  isSelfReport: true,
});

const filterSelfEvents = (events: readonly unknown[], batch: PrivacyBatch): FilterResult => {
  const own = filterEvents(events.filter(isSelfMetricEvent), selfReportBatch(batch));
  const others = filterEvents(events.filter((event) => !isSelfMetricEvent(event)), batch);
  return { clean: [...own.clean, ...others.clean], rejected: [...own.rejected, ...others.rejected] };
};

const parseEnvelope = (value: Buffer | null) => {
  if (value === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value.toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return null;
    throw error;
  }
  return envelopeCheck.Check(parsed) ? parsed : null;
};

/**
 * Filters a fetched batch of raw envelopes: each event goes through the privacy pipeline, kept
 * events leave in a clean envelope keyed by source (order within a source holds), rejected ones as
 * dead letters that carry no raw subject id and no attributes. An unreadable envelope becomes one
 * dead letter without its content, which may hold anything.
 */
export const filterMessages = (messages: readonly ConsumedMessage[], batch: PrivacyBatch, at: Date): FilteredMessages => {
  const result: FilteredMessages = { clean: [], deadLetters: [], eventsIn: 0, envelopesRejected: 0, rejectedBySource: [] };
  const rejectedBySource = new Map<string, { sourceId: string; reason: string; count: number }>();
  const countRejection = (sourceId: string, reason: string, count = 1) => {
    const key = `${sourceId}\u0000${reason}`;
    const entry = rejectedBySource.get(key);
    if (entry) entry.count += count;
    else rejectedBySource.set(key, { sourceId, reason, count });
  };
  for (const message of messages) {
    const envelope = parseEnvelope(message.value);
    if (envelope === null) {
      result.envelopesRejected += 1;
      const sourceId = keyForDeadLetter(message.key ?? UNKNOWN_SOURCE, batch);
      result.deadLetters.push(deadLetterMessage(sourceId, null, 'malformed', 'privacy', at));
      countRejection(sourceId, 'malformed');
      continue;
    }
    result.eventsIn += envelope.events.length;
    // Ingest stamps the authenticated source's UUID; only a direct producer can name a source, and
    // one named after a person ("bob@example.com") would reach every clean event and data_points row.
    if (identifierHoldsPii(envelope.sourceId, batch.scrubber, [])) {
      const hashedSourceId = batch.hashIdentifier(envelope.sourceId);
      for (const rejection of rejectEvents(envelope.events, 'invalid_source', batch)) {
        result.deadLetters.push(deadLetterMessage(hashedSourceId, rejection.event, rejection.reason, 'privacy', at));
      }
      if (envelope.events.length > 0) countRejection(hashedSourceId, 'invalid_source', envelope.events.length);
      continue;
    }
    const { clean, rejected } = envelope.sourceId === SELF_SOURCE_ID ? filterSelfEvents(envelope.events, batch) : filterEvents(envelope.events, batch);
    if (clean.length > 0) {
      const cleanEnvelope: CleanEnvelope = { sourceId: envelope.sourceId, receivedAt: envelope.receivedAt, events: clean };
      result.clean.push({ key: envelope.sourceId, value: JSON.stringify(cleanEnvelope) });
    }
    for (const rejection of rejected) {
      result.deadLetters.push(deadLetterMessage(envelope.sourceId, rejection.event, rejection.reason, 'privacy', at));
      countRejection(envelope.sourceId, rejection.reason);
    }
  }
  result.rejectedBySource = [...rejectedBySource.values()];
  return result;
};
