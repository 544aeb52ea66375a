import type { TelemetryEvent } from '@telemetry/contracts';
import type { RequestBody } from '../http/request-body';

export interface EnvelopeHeader {
  sourceId: string;
  receivedAt: string;
}

const envelopePrefix = ({ sourceId, receivedAt }: EnvelopeHeader): string =>
  `{"sourceId":${JSON.stringify(sourceId)},"receivedAt":${JSON.stringify(receivedAt)},`;

/** Spare bytes to read a /v1/events body behind, so its envelope fields fit in front of it. */
export const ENVELOPE_HEADROOM_BYTES = 256;

/**
 * The telemetry.raw.v1 value for a request whose body is exactly `{"events": [...]}` with every
 * event valid: the envelope fields put in front of the body's own bytes (in its headroom, not a
 * copy; the body is used up), so the events are not serialized a second time. Consumers parse it
 * to the same value as a re-serialized envelope (the body was parsed and validated as this text).
 */
export const spliceRawEnvelope = (header: EnvelopeHeader, body: RequestBody): Buffer =>
  body.prefixed(envelopePrefix(header), body.bytes.indexOf(OPEN_BRACE) + 1);

const OPEN_BRACE = 0x7b;

/**
 * telemetry.raw.v1 values for the given events: one envelope when it fits in maxBytes, otherwise
 * the events split in halves until every envelope fits (an event too large on its own for Kafka
 * cannot exist: events are bounded far below the broker limit).
 */
export const buildRawEnvelopes = (header: EnvelopeHeader, events: readonly TelemetryEvent[], maxBytes: number): Buffer[] => {
  const encoded = Buffer.from(`${envelopePrefix(header)}"events":${JSON.stringify(events)}}`);
  if (encoded.length <= maxBytes || events.length <= 1) return [encoded];
  const middle = Math.ceil(events.length / 2);
  return [
    ...buildRawEnvelopes(header, events.slice(0, middle), maxBytes),
    ...buildRawEnvelopes(header, events.slice(middle), maxBytes),
  ];
};
