import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { ApiKeyVerifier, VerifiedSource } from '@telemetry/admin';
import { KafkaUnavailableError, type EventLimits, type EventValidationHints, type EventValidator } from '@telemetry/contracts';
import { LOGGER, type Logger } from '@telemetry/service-runtime';
import { authenticateSource } from './auth/authenticate-source';
import { buildRawEnvelopes, ENVELOPE_HEADROOM_BYTES, spliceRawEnvelope, type EnvelopeHeader } from './events/build-raw-envelopes';
import { validateEventBatch, type RejectedEvent } from './events/validate-event-batch';
import { IngestRequestError } from './http/ingest-request-error';
import { BodyBufferPool } from './http/body-buffer-pool';
import { readRequestBody } from './http/read-request-body';
import type { RequestBody } from './http/request-body';
import { API_KEY_VERIFIER, INGEST_METRICS, INGEST_SETTINGS, RATE_LIMITER, RAW_ENVELOPE_PRODUCER } from './ingest.tokens';
import type { RawEnvelopeProducer } from './kafka/raw-envelope-producer';
import type { IngestMetrics, IngestRoute } from './ops/ingest-metrics';
import { mapOtlpMetrics, type OtlpMapping } from './otlp/map-otlp-metrics';
import { checkOtlpJson } from './otlp/otlp-json-schema';
import type { OtlpMetricsRequest } from './otlp/otlp-metrics-request';
import { decodeExportMetricsRequest } from './otlp/otlp-protobuf';
import type { OtlpEncoding } from './otlp/otlp-response';
import type { SourceRateLimiter } from './rate-limit/token-bucket';

export interface IngestSettings {
  limits: EventLimits;
  validate: EventValidator;
  maxKafkaRequestBytes: number;
}

/** What the HTTP layer hands over: headers that matter and the unread body stream. */
export interface IngestHttpRequest {
  authorization: string | undefined;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  payload: Readable | undefined;
}

export interface EventsAccepted {
  accepted: number;
  rejected: RejectedEvent[];
}

const JSON_CONTENT_TYPE = /^application\/json\s*(;|$)/i;
const PROTOBUF_CONTENT_TYPE = /^application\/x-protobuf\s*(;|$)/i;
const RETRY_AFTER_UNAVAILABLE_SECONDS = 5;
/** Only a \u escape can put NUL or a lone surrogate into a JSON string; a body without one needs no per-string check. */
const JSON_UNICODE_ESCAPE = '\\u';
const STORABLE_TEXT: EventValidationHints = { textIsStorable: true };

/** The OTLP encoding a request declares (errors are answered in it too), or 415. */
export const otlpEncodingOf = (contentType: string | undefined): OtlpEncoding => {
  if (contentType && PROTOBUF_CONTENT_TYPE.test(contentType)) return 'protobuf';
  if (contentType && JSON_CONTENT_TYPE.test(contentType)) return 'json';
  throw new IngestRequestError(
    'unsupported_media_type',
    `Content-Type must be application/x-protobuf or application/json (got ${JSON.stringify(contentType ?? '')})`,
  );
};

/**
 * The ingest's one use case, for both routes: authenticate the source, read and check the body,
 * charge the source's rate, produce the valid events as one envelope and only then answer. A
 * request refused as a whole throws IngestRequestError and nothing of it reaches Kafka.
 */
@Injectable()
export class IngestService {
  private isKafkaFailing = false;
  private readonly bodyBuffers = new BodyBufferPool();

  constructor(
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    @Inject(API_KEY_VERIFIER) private readonly verifier: ApiKeyVerifier,
    @Inject(RATE_LIMITER) private readonly rateLimiter: SourceRateLimiter,
    @Inject(RAW_ENVELOPE_PRODUCER) private readonly producer: RawEnvelopeProducer,
    @Inject(INGEST_METRICS) private readonly metrics: IngestMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async acceptEvents(request: IngestHttpRequest): Promise<EventsAccepted> {
    const receivedAt = new Date().toISOString();
    const source = await this.authenticate(request);
    if (!request.contentType || !JSON_CONTENT_TYPE.test(request.contentType)) {
      throw new IngestRequestError('unsupported_media_type', `Content-Type must be application/json (got ${JSON.stringify(request.contentType ?? '')})`);
    }
    const body = await this.readBody(request, ENVELOPE_HEADROOM_BYTES, this.bodyBuffers);
    try {
      const bodyBytes = body.bytes.length;
      const { envelopes, answer, rejectionReasons } = this.checkEvents(source, { sourceId: source.sourceId, receivedAt }, body);
      if (envelopes.length > 0) await this.produce(source, envelopes);
      this.countOutcome('events', source.sourceId, answer.accepted, rejectionReasons);
      this.logger.debug({ sourceId: source.sourceId, accepted: answer.accepted, rejected: answer.rejected.length, bodyBytes }, 'events accepted');
      return answer;
    } finally {
      // The envelope may share the body's buffer; once produce settled nothing refers to it
      // (kafkajs copies each message into the request it encodes, retries included, before send settles).
      body.release();
    }
  }

  /**
   * Parses and validates a /v1/events body, charges the source's rate and builds the envelopes.
   * Synchronous on purpose: the parsed events are garbage once it returns, so they die young
   * instead of being kept alive (copied by scavenges, then promoted) while Kafka acknowledges.
   */
  private checkEvents(
    source: VerifiedSource,
    header: EnvelopeHeader,
    body: RequestBody,
  ): { envelopes: Buffer[]; answer: EventsAccepted; rejectionReasons: string[] } {
    const bodyBytes = body.bytes.length;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.bytes.toString('utf8'));
    } catch (error) {
      throw new IngestRequestError('malformed_body', `request body is not valid JSON: ${(error as Error).message}`);
    }
    const batch = validateEventBatch(
      parsed,
      this.settings.validate,
      this.settings.limits.maxEventsPerRequest,
      body.bytes.indexOf(JSON_UNICODE_ESCAPE) === -1 ? STORABLE_TEXT : undefined,
    );
    if (batch.kind === 'malformed') throw new IngestRequestError('malformed_body', batch.reason);
    if (batch.kind === 'too_many') {
      throw new IngestRequestError(
        'payload_too_large',
        `${batch.count} events in one request; at most ${this.settings.limits.maxEventsPerRequest} are accepted`,
      );
    }
    this.chargeRate(source, batch.count, 'events');
    const envelopes =
      batch.valid.length === 0
        ? []
        : batch.isVerbatim && bodyBytes < this.settings.maxKafkaRequestBytes - ENVELOPE_HEADROOM_BYTES
          ? [spliceRawEnvelope(header, body)]
          : buildRawEnvelopes(header, batch.valid, this.settings.maxKafkaRequestBytes);
    return {
      envelopes,
      answer: { accepted: batch.valid.length, rejected: batch.rejected },
      rejectionReasons: batch.rejected.map(({ reason }) => reason),
    };
  }

  async acceptOtlpMetrics(request: IngestHttpRequest): Promise<{ mapping: OtlpMapping; encoding: OtlpEncoding }> {
    const receivedAtMs = Date.now();
    const source = await this.authenticate(request);
    const encoding = otlpEncodingOf(request.contentType);
    const body = (await this.readBody(request)).bytes;
    const export_ = encoding === 'protobuf' ? this.decodeProtobuf(body) : this.decodeJson(body);
    const mapping = mapOtlpMetrics(export_, this.settings.validate, this.settings.limits, receivedAtMs);
    this.chargeRate(source, mapping.events.length, 'metrics');
    if (mapping.events.length > 0) {
      const header: EnvelopeHeader = { sourceId: source.sourceId, receivedAt: new Date(receivedAtMs).toISOString() };
      await this.produce(source, buildRawEnvelopes(header, mapping.events, this.settings.maxKafkaRequestBytes));
    }
    this.countOutcome('metrics', source.sourceId, mapping.events.length, mapping.rejectionReasons);
    this.logger.debug(
      { sourceId: source.sourceId, encoding, dataPoints: mapping.dataPoints, rejectedDataPoints: mapping.rejectedDataPoints, events: mapping.events.length },
      'OTLP metrics accepted',
    );
    return { mapping, encoding };
  }

  private authenticate(request: IngestHttpRequest): Promise<VerifiedSource> {
    return authenticateSource(this.verifier, request.authorization, (reason) => this.metrics.authFailures.inc({ reason }));
  }

  private async readBody(request: IngestHttpRequest, headroomBytes = 0, pool?: BodyBufferPool): Promise<RequestBody> {
    if (!request.payload) throw new IngestRequestError('malformed_body', 'request body is empty');
    return readRequestBody(request.payload, request.contentEncoding, { maxBytes: this.settings.limits.maxRequestBytes, headroomBytes, pool });
  }

  private chargeRate(source: VerifiedSource, eventCount: number, route: IngestRoute) {
    const taken = this.rateLimiter.take(source.sourceId, eventCount);
    if (taken.ok) return;
    this.metrics.countRateLimited(route, source.sourceId, eventCount);
    throw new IngestRequestError('rate_limited', `source ${source.sourceName} is over its rate; retry after ${taken.retryAfterSeconds} s`, taken.retryAfterSeconds);
  }

  private async produce(source: VerifiedSource, envelopes: Buffer[]): Promise<void> {
    try {
      await this.producer.send(source.sourceId, envelopes);
      if (this.isKafkaFailing) {
        this.isKafkaFailing = false;
        this.logger.info('Kafka acknowledges again');
      }
    } catch (error) {
      if (!(error instanceof KafkaUnavailableError)) throw error;
      // Logged on the transition only: during an outage every request fails the same way.
      if (!this.isKafkaFailing) {
        this.isKafkaFailing = true;
        this.logger.warn({ err: error, sourceId: source.sourceId }, 'Kafka did not acknowledge; answering 503 until it does');
      }
      throw new IngestRequestError('unavailable', 'Kafka is unavailable: nothing was accepted; retry later', RETRY_AFTER_UNAVAILABLE_SECONDS, {
        cause: error,
      });
    }
  }

  private countOutcome(route: IngestRoute, sourceId: string, accepted: number, rejectionReasons: readonly string[]) {
    this.metrics.countEvents(route, sourceId, accepted, rejectionReasons);
  }

  private decodeProtobuf(body: Buffer): OtlpMetricsRequest {
    try {
      return decodeExportMetricsRequest(body);
    } catch (error) {
      throw new IngestRequestError('malformed_body', `body is not an OTLP ExportMetricsServiceRequest: ${(error as Error).message}`);
    }
  }

  private decodeJson(body: Buffer): OtlpMetricsRequest {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch (error) {
      throw new IngestRequestError('malformed_body', `request body is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new IngestRequestError('malformed_body', 'body must be an OTLP/JSON ExportMetricsServiceRequest object');
    }
    const checked = checkOtlpJson(parsed);
    if (!checked.ok) throw new IngestRequestError('malformed_body', checked.reason);
    return checked.request;
  }
}
