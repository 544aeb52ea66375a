import type { MetricDefinition } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { webhookTargets } from './webhook-targets';

const base: MetricDefinition = { name: 'm.x', type: 'gauge', description: 'x', attributes: [] };
const owners = { payments: 'https://hooks.example/payments', search: 'https://hooks.example/search' };

describe('webhookTargets', () => {
  it.each([
    ['an unknown metric', undefined, []],
    ['a metric with neither', base, []],
    ['the metric webhook only', { ...base, webhook: 'https://hooks.example/m' }, ['https://hooks.example/m']],
    ['the owner webhook only', { ...base, owner: 'payments' }, ['https://hooks.example/payments']],
    ['an owner without a webhook', { ...base, owner: 'nobody' }, []],
    ['both, metric first', { ...base, owner: 'search', webhook: 'https://hooks.example/m' }, ['https://hooks.example/m', 'https://hooks.example/search']],
    ['both, the same URL once', { ...base, owner: 'payments', webhook: 'https://hooks.example/payments' }, ['https://hooks.example/payments']],
  ])('%s', (_name, definition, expected) => {
    expect(webhookTargets(definition, owners)).toEqual(expected);
  });
});
