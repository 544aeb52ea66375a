import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '@telemetry/contracts';
import { buildRawEnvelopes, spliceRawEnvelope } from './build-raw-envelopes';

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
    const spliced = spliceRawEnvelope(header, Buffer.from(body));
    expect(JSON.parse(spliced.toString('utf8'))).toEqual({ ...header, events: (JSON.parse(body) as { events: unknown }).events });
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
