import type { TelemetryEvent } from '@telemetry/contracts';

export interface EnvelopeHeader {
  sourceId: string;
  receivedAt: string;
}

const envelopePrefix = ({ sourceId, receivedAt }: EnvelopeHeader): string =>
  `{"sourceId":${JSON.stringify(sourceId)},"receivedAt":${JSON.stringify(receivedAt)},`;

/**
 * The telemetry.raw.v1 value for a request whose body is exactly `{"events": [...]}` with every
 * event valid: the body's own bytes spliced after the envelope fields, so the events are not
 * serialized a second time. Consumers parse it to the same value as a re-serialized envelope
 * (the body was parsed and validated as this very text).
 */
export const spliceRawEnvelope = (header: EnvelopeHeader, body: Buffer): Buffer => {
  const open = body.indexOf(OPEN_BRACE);
  // Bytes, not strings: one memcpy instead of flattening and re-encoding a 1 MB string.
  return Buffer.concat([Buffer.from(envelopePrefix(header)), body.subarray(open + 1)]);
};

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
