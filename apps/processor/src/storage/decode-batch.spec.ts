import { createEventValidator } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { BatchDecoding, decodeBatch, type DecodeContext } from './decode-batch';

const context: DecodeContext = {
  validate: createEventValidator(),
  joins: [{ dataset: 'devices', attribute: 'device_id' }],
  lookup: (dataset, key) => (dataset === 'devices' && key === 'd1' ? { model: 'X200' } : undefined),
  enrichmentKeys: ['model'],
  declaredAttributes: (metric) => (metric === 'app.latency' ? ['region'] : undefined),
};

const envelope = (events: unknown[]) =>
  Buffer.from(JSON.stringify({ sourceId: 'src-1', receivedAt: '2026-01-01T12:00:01.000Z', events }));

describe('decodeBatch', () => {
  it('stores valid events with enrichment and their series over declared + enrichment attributes', () => {
    const decoded = decodeBatch(
      [envelope([{ id: 'e1', metric: 'app.latency', value: 12.5, timestamp: '2026-01-01T12:00:00Z', subjectId: 'p-1', attributes: { region: 'eu', device_id: 'd1', host: 'h' } }])],
      context,
    );
    expect(decoded.rejected).toEqual([]);
    expect(decoded.points).toEqual([
      {
        eventId: 'e1',
        timeMs: Date.UTC(2026, 0, 1, 12),
        metric: 'app.latency',
        value: 12.5,
        subject: 'p-1',
        sourceId: 'src-1',
        attributes: { region: 'eu', device_id: 'd1', host: 'h', model: 'X200' },
        receivedAtMs: Date.UTC(2026, 0, 1, 12, 0, 1),
        series: 'model=X200,region=eu',
        seriesAttributes: { region: 'eu', model: 'X200' },
      },
    ]);
  });

  it.each([
    ['not JSON', Buffer.from('{nope'), 'unknown', /^malformed_envelope: /],
    ['not an envelope', Buffer.from('{"events": []}'), 'unknown', /^malformed_envelope: not/],
    ['a bad receivedAt', Buffer.from('{"sourceId":"s","receivedAt":"yesterday","events":[]}'), 's', /receivedAt/],
    ['an event without a value', envelope([{ id: 'e', metric: 'm', timestamp: 1_767_268_800_000 }]), 'src-1', /^invalid_event: value/],
    ['an event with a seconds timestamp', envelope([{ id: 'e', metric: 'm', value: 1, timestamp: 1_767_268_800 }]), 'src-1', /^invalid_event: timestamp/],
  ])('rejects %s with a reason', (_name, value, sourceId, reason) => {
    const decoded = decodeBatch([value], context);
    expect(decoded.points).toEqual([]);
    expect(decoded.rejected).toHaveLength(1);
    expect(decoded.rejected[0]?.sourceId).toBe(sourceId);
    expect(decoded.rejected[0]?.reason).toMatch(reason);
  });

  it('keeps the good events of an envelope with a bad one, and skips tombstones', () => {
    const decoded = decodeBatch(
      [null, envelope([{ id: 'a', metric: 'm', value: 1, timestamp: 1_767_268_800_000 }, { id: 'b', metric: 'm', value: 'x', timestamp: 1 }])],
      context,
    );
    expect(decoded.points.map((p) => [p.eventId, p.series])).toEqual([['a', '']]);
    expect(decoded.rejected.map((r) => r.event)).toEqual([{ id: 'b', metric: 'm', value: 'x', timestamp: 1 }]);
  });
});

describe('BatchDecoding', () => {
  const event = (id: string) => ({ id, metric: 'm', value: 1, timestamp: 1_767_268_800_000 });
  const values = [envelope([event('a'), event('b')]), Buffer.from('{nope'), envelope([event('c')])];

  it('decodes a message only when its points are asked for', () => {
    const decoding = new BatchDecoding(values, context);
    const stream = decoding.stream()[Symbol.iterator]();
    expect(stream.next().value?.eventId).toBe('a');
    expect(stream.next().value?.eventId).toBe('b');
    // Nothing past the first message yet: the bad one is not rejected until its turn.
    expect(decoding['rejected']).toEqual([]);
  });

  it('starts again from the first point, and all() finishes what a stopped stream left', () => {
    const decoding = new BatchDecoding(values, context);
    for (const point of decoding.stream()) if (point.eventId === 'a') break;
    expect([...decoding.stream()].map((point) => point.eventId)).toEqual(['a', 'b', 'c']);
    const decoded = decoding.all();
    expect(decoded.points.map((point) => point.eventId)).toEqual(['a', 'b', 'c']);
    expect(decoded.rejected).toHaveLength(1);
    expect(decodeBatch(values, context)).toEqual(decoded);
  });
});
