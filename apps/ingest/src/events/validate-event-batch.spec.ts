import { describe, expect, it } from 'vitest';
import { createEventValidator } from '@telemetry/contracts';
import { validateEventBatch } from './validate-event-batch';

const validate = createEventValidator();
const event = (overrides: Record<string, unknown> = {}) => ({ id: 'e1', metric: 'checkout.latency', value: 1, timestamp: 1_764_000_000_000, ...overrides });

describe('validateEventBatch', () => {
  it.each([
    ['null', null, 'body must be a JSON object {"events": [...]}'],
    ['an array', [event()], 'body must be a JSON object {"events": [...]}'],
    ['a number', 3, 'body must be a JSON object {"events": [...]}'],
    ['no events', {}, 'body.events must be an array of events'],
    ['events as an object', { events: { 0: event() } }, 'body.events must be an array of events'],
  ])('refuses %s as malformed', (_label, body, reason) => {
    expect(validateEventBatch(body, validate, 10)).toEqual({ kind: 'malformed', reason });
  });

  it('refuses more events than the limit before validating any', () => {
    expect(validateEventBatch({ events: [event(), event(), 'junk'] }, validate, 2)).toEqual({ kind: 'too_many', count: 3 });
  });

  it.each([
    ['all valid, only "events"', { events: [event(), event({ id: 'e2' })] }, 2, [], true],
    ['all valid with another top-level key', { events: [event()], sourceId: 'other' }, 1, [], false],
    ['an empty batch', { events: [] }, 0, [], true],
    [
      'mixed',
      { events: [event({ value: 'x' }), event(), null, event({ timestamp: 5 })] },
      1,
      [
        { index: 0, reason: 'events[0].value: must be a finite number' },
        { index: 2, reason: expect.stringMatching(/^events\[2\]/) as unknown },
        { index: 3, reason: 'events[3].timestamp: timestamp_out_of_range (accepted from 2000-01-01T00:00:00Z to 2200-01-01T00:00:00Z)' },
      ],
      false,
    ],
  ])('checks each event: %s', (_label, body, validCount, rejected, isVerbatim) => {
    const result = validateEventBatch(body, validate, 10);
    expect(result).toMatchObject({ kind: 'checked', rejected, isVerbatim });
    expect(result.kind === 'checked' ? result.valid.length : -1).toBe(validCount);
  });
});
