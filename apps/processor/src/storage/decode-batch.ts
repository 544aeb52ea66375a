import { Value } from '@sinclair/typebox/value';
import {
  EventEnvelopeSchema,
  ok,
  parseTimestampMs,
  pipeline,
  reject,
  type Attributes,
  type EventValidator,
  type Step,
  type TelemetryEvent,
} from '@telemetry/contracts';
import { createSeriesResolver, enrichAttributes, type ReferenceJoin, type ReferenceLookup, type SeriesResolver } from '@telemetry/rollup';

/** One event as it is stored: a data_points row plus its series for the rollup. */
export interface StoredPoint {
  eventId: string;
  timeMs: number;
  metric: string;
  value: number;
  subject: string | null;
  sourceId: string;
  /** The event's attributes with the reference data joined on. */
  attributes: Attributes;
  receivedAtMs: number;
  series: string;
  seriesAttributes: Attributes;
}

export interface DecodeContext {
  validate: EventValidator;
  joins: readonly ReferenceJoin[];
  lookup: ReferenceLookup;
  /** Attribute names the reference data can add: they take part in every series. */
  enrichmentKeys: readonly string[];
  /** The metric's declared attributes, or undefined when the catalog does not know it (yet). */
  declaredAttributes: (metric: string) => readonly string[] | undefined;
}

interface EnvelopeEvent {
  sourceId: string;
  receivedAtMs: number;
  input: unknown;
}

export interface Rejected {
  sourceId: string;
  event: unknown;
  reason: string;
}

export interface DecodedBatch {
  points: StoredPoint[];
  rejected: Rejected[];
}

/** What the steps see: the caller's context plus the batch's series resolver. */
interface BatchContext extends DecodeContext {
  resolveSeries: SeriesResolver;
}

const validateStep: Step<EnvelopeEvent, { envelope: EnvelopeEvent; event: TelemetryEvent }, BatchContext> = (envelope, context) => {
  const result = context.validate(envelope.input);
  return result.ok ? ok({ envelope, event: result.event }) : reject('invalid_event', result.reason);
};

const toPointStep: Step<{ envelope: EnvelopeEvent; event: TelemetryEvent }, StoredPoint, BatchContext> = ({ envelope, event }, context) => {
  // The validator already refused unparseable timestamps; this keeps the type honest.
  const timeMs = parseTimestampMs(event.timestamp);
  if (timeMs === null) return reject('invalid_event', 'timestamp: must be ISO-8601 or epoch milliseconds');
  const attributes = enrichAttributes(event.attributes ?? {}, context.joins, context.lookup);
  const identity = context.resolveSeries(attributes, context.declaredAttributes(event.metric));
  return ok({
    eventId: event.id,
    timeMs,
    metric: event.metric,
    value: event.value,
    subject: event.subjectId ?? null,
    sourceId: envelope.sourceId,
    attributes,
    receivedAtMs: envelope.receivedAtMs,
    series: identity.series,
    seriesAttributes: identity.attributes,
  });
};

const storePipeline = pipeline(validateStep, toPointStep);

/**
 * Turns consumed telemetry.clean.v1 messages into points to store, message by message as the
 * points are asked for: storing can start (COPY rows reach PostgreSQL) while later messages are
 * still being decoded. A message that is not an envelope, or an event that fails validation,
 * becomes a rejection with a reason (dead-lettered), never an exception: one bad record must not
 * stall its partition.
 */
export class BatchDecoding {
  private readonly context: BatchContext;
  private readonly points: StoredPoint[] = [];
  private readonly rejected: Rejected[] = [];
  private nextValue = 0;

  constructor(
    private readonly values: ReadonlyArray<Buffer | null>,
    decodeContext: DecodeContext,
  ) {
    this.context = { ...decodeContext, resolveSeries: createSeriesResolver(decodeContext.enrichmentKeys) };
  }

  /** Every point, decoding more messages only when the ones decoded so far are used up; can be restarted. */
  *stream(): Generator<StoredPoint> {
    let index = 0;
    for (;;) {
      while (index < this.points.length) yield this.points[index++] as StoredPoint;
      if (!this.decodeNext()) return;
    }
  }

  /** Decodes whatever is left and returns the whole batch. */
  all(): DecodedBatch {
    while (this.decodeNext());
    return { points: this.points, rejected: this.rejected };
  }

  private decodeNext(): boolean {
    if (this.nextValue >= this.values.length) return false;
    const value = this.values[this.nextValue];
    this.nextValue += 1;
    if (value !== null && value !== undefined) this.decodeMessage(value);
    return true;
  }

  private decodeMessage(value: Buffer): void {
    const rejected = this.rejected;
    let envelope: unknown;
    try {
      envelope = JSON.parse(value.toString('utf8'));
    } catch (error) {
      rejected.push({ sourceId: 'unknown', event: null, reason: `malformed_envelope: ${error instanceof Error ? error.message : String(error)}` });
      return;
    }
    if (!Value.Check(EventEnvelopeSchema, envelope)) {
      rejected.push({ sourceId: 'unknown', event: null, reason: 'malformed_envelope: not {sourceId, receivedAt, events[]}' });
      return;
    }
    const receivedAtMs = Date.parse(envelope.receivedAt);
    if (!Number.isFinite(receivedAtMs)) {
      rejected.push({ sourceId: envelope.sourceId, event: null, reason: 'malformed_envelope: receivedAt is not a timestamp' });
      return;
    }
    for (const input of envelope.events) {
      const result = storePipeline({ sourceId: envelope.sourceId, receivedAtMs, input }, this.context);
      if (result.kind === 'ok') this.points.push(result.value);
      else rejected.push({ sourceId: envelope.sourceId, event: input, reason: result.detail ? `${result.reason}: ${result.detail}` : result.reason });
    }
  }
}

/** All of a batch's points and rejections at once (see BatchDecoding). */
export const decodeBatch = (values: ReadonlyArray<Buffer | null>, context: DecodeContext): DecodedBatch => new BatchDecoding(values, context).all();
