import type { MetricDefinition } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { catalogMetricFromDefinition } from './catalog-lookup';
import { DailyBudgetCounter } from './daily-budget-counter';

const metric = (budget?: number) => {
  const definition: MetricDefinition = { name: 'app.clicks', type: 'counter', description: 'Clicks.', attributes: [] };
  if (budget !== undefined) definition.budget = { eventsPerDay: budget };
  return catalogMetricFromDefinition(definition);
};
const DAY_MS = 86_400_000;
const noon = Date.UTC(2026, 10, 25, 12);

describe('DailyBudgetCounter', () => {
  it('accepts the budget\'s events and refuses the next ones the same UTC day', () => {
    const counter = new DailyBudgetCounter();
    const capped = metric(3);
    expect([1, 2, 3, 4, 5].map(() => counter.tryConsume(capped, noon))).toEqual([true, true, true, false, false]);
    expect(counter.eventsToday('app.clicks')).toBe(3);
  });

  it('starts again at UTC midnight', () => {
    const counter = new DailyBudgetCounter();
    const capped = metric(1);
    expect(counter.tryConsume(capped, noon)).toBe(true);
    expect(counter.tryConsume(capped, noon + 11 * 3_600_000)).toBe(false);
    expect(counter.tryConsume(capped, noon + 12 * 3_600_000)).toBe(true);
  });

  it('never refuses a metric without budget, and does not count it', () => {
    const counter = new DailyBudgetCounter();
    const unlimited = metric();
    for (let index = 0; index < 1_000; index += 1) expect(counter.tryConsume(unlimited, noon + (index % 2) * DAY_MS)).toBe(true);
    expect(counter.eventsToday('app.clicks')).toBe(0);
  });
});
