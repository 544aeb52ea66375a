import { createEventValidator, type TelemetryEvent } from '@telemetry/contracts';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { buildWireEvent, type WireEventInput } from './build-wire-event';
import type { WireEvent } from './telemetry-types';

const validate = createEventValidator();
const input = (partial: Partial<WireEventInput>): WireEventInput => ({
  id: '0f9c1d2e-3b4a-4c5d-8e6f-708192a3b4c5',
  metric: 'checkout.latency',
  value: 120,
  timestamp: 1_764_000_000_000,
  purpose: 'performance',
  subjectId: 'user-1',
  attributes: { region: 'eu' },
  ...partial,
});

describe('buildWireEvent', () => {
  it('builds an Event of the ingest contract (checked by the typechecker)', () => {
    expectTypeOf<WireEvent>().toExtend<TelemetryEvent>();
  });

  it.each<[string, Partial<WireEventInput>, WireEvent]>([
    ['subject and attributes kept', {}, { id: input({}).id, metric: 'checkout.latency', value: 120, timestamp: 1_764_000_000_000, subjectId: 'user-1', attributes: { region: 'eu' } }],
    ['purpose none carries no subject', { purpose: 'none' }, { id: input({}).id, metric: 'checkout.latency', value: 120, timestamp: 1_764_000_000_000, attributes: { region: 'eu' } }],
    ['empty attributes are left out', { attributes: {}, subjectId: undefined }, { id: input({}).id, metric: 'checkout.latency', value: 120, timestamp: 1_764_000_000_000 }],
  ])('%s, and ingest\'s validator accepts it', (_name, partial, expected) => {
    const event = buildWireEvent(input(partial));
    expect(event).toEqual(expected);
    expect(validate(event)).toEqual({ ok: true, event: expected });
  });
});
