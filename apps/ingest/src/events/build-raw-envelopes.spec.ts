import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '@telemetry/contracts';
import { RequestBody } from '../http/request-body';
import { buildRawEnvelopes, ENVELOPE_HEADROOM_BYTES, spliceRawEnvelope } from './build-raw-envelopes';

const header = { sourceId: 'src-1', receivedAt: '2026-11-25T04:00:00.000Z' };
const events: TelemetryEvent[] = Array.from({ length: 10 }, (_, index) => ({
  id: `e${index}`,
  metric: 'checkout.latency',
  value: index,
  timestamp: 1_764_000_000_000 + index,
  attributes: { region: 'eu-west-1' },
}));

describe('spliceRawEnvelope', () => {
  it.each([
    ['compact', JSON.stringify({ events })],
    ['indented, with leading whitespace', `\n  ${JSON.stringify({ events }, null, 2)}`],
    ['non-ASCII text', JSON.stringify({ events: [{ ...events[0], attributes: { city: 'Zürich – 東京' } }] })],
  ])('parses to the same envelope as a re-serialized one (%s)', (_label, body) => {
    const withHeadroom = Buffer.concat([Buffer.alloc(ENVELOPE_HEADROOM_BYTES), Buffer.from(body)]);
    const spliced = spliceRawEnvelope(header, new RequestBody(withHeadroom, ENVELOPE_HEADROOM_BYTES));
    expect(JSON.parse(spliced.toString('utf8'))).toEqual({ ...header, events: (JSON.parse(body) as { events: unknown }).events });
    // In place: the envelope shares the body's memory rather than copying it.
    expect(spliced.buffer).toBe(withHeadroom.buffer);
  });

  it('fits the longest source id and timestamp the envelope can carry in the headroom', () => {
    const longest = { sourceId: 'x'.repeat(64), receivedAt: '+275760-09-13T00:00:00.000Z' };
    const withHeadroom = Buffer.concat([Buffer.alloc(ENVELOPE_HEADROOM_BYTES), Buffer.from('{"events":[]}')]);
    expect(spliceRawEnvelope(longest, new RequestBody(withHeadroom, ENVELOPE_HEADROOM_BYTES)).buffer).toBe(withHeadroom.buffer);
  });
});

describe('buildRawEnvelopes', () => {
  it('makes one envelope when it fits', () => {
    const [envelope, ...rest] = buildRawEnvelopes(header, events, 1_000_000);
    expect(rest).toEqual([]);
    expect(JSON.parse(envelope!.toString())).toEqual({ ...header, events });
  });

  it.each([600, 300, 200])('splits into envelopes of at most %i bytes, keeping every event once and in order', (maxBytes) => {
    const envelopes = buildRawEnvelopes(header, events, maxBytes);
    expect(envelopes.length).toBeGreaterThan(1);
    for (const envelope of envelopes) expect(envelope.length).toBeLessThanOrEqual(maxBytes);
    const parsed = envelopes.map((envelope) => JSON.parse(envelope.toString()) as { sourceId: string; receivedAt: string; events: TelemetryEvent[] });
    expect(parsed.every((envelope) => envelope.sourceId === header.sourceId && envelope.receivedAt === header.receivedAt)).toBe(true);
    expect(parsed.flatMap((envelope) => envelope.events)).toEqual(events);
  });
});
