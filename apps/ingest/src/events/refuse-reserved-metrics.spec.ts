import { createEventValidator } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { rejectionCategory } from '../ops/ingest-metrics';
import { refuseReservedMetrics } from './refuse-reserved-metrics';

const validate = refuseReservedMetrics(createEventValidator());
const event = (metric: string) => ({ id: 'e1', metric, value: 1, timestamp: 1_764_000_000_000 });

describe('refuseReservedMetrics', () => {
  it.each([
    ['telemetry.self.auth_failures', '', 'metric: reserved_metric (telemetry.self.* is written only by the pipeline itself)'],
    ['telemetry.self.made_up', 'events[4]', 'events[4].metric: reserved_metric (telemetry.self.* is written only by the pipeline itself)'],
  ])('refuses %s with a reason that names the field and the code', (metric, path, reason) => {
    expect(validate(event(metric), path)).toEqual({ ok: false, reason });
    expect(rejectionCategory(reason)).toBe('reserved_metric');
  });

  it.each([['telemetry.sdk.evicted_events'], ['telemetry.selfish'], ['checkout.latency']])('accepts %s', (metric) => {
    expect(validate(event(metric))).toEqual({ ok: true, event: event(metric) });
  });

  it('keeps the contract\'s own reason for an invalid event', () => {
    expect(validate({ ...event('telemetry.self.auth_failures'), value: 'x' }, 'events[0]')).toEqual({ ok: false, reason: 'events[0].value: must be a finite number' });
  });
});
