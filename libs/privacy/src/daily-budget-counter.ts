import { isOverBudget, type CatalogMetric } from '@telemetry/catalog';

const DAY_MS = 24 * 60 * 60 * 1_000;

/**
 * Events accepted per metric in the current UTC day (processing time), so `over_budget` can be
 * decided per event. The count lives in this instance: with N privacy instances a metric may
 * accept up to N times its budget, and a batch replayed after a crash is counted again (the
 * budget is a cost guard, not an exact quota).
 */
export class DailyBudgetCounter {
  private dayStartMs = Number.NaN;
  private readonly counts = new Map<string, number>();

  /** Counts the event and returns true, or returns false (and counts nothing) when over budget. */
  tryConsume(metric: CatalogMetric, nowMs: number): boolean {
    if (metric.definition.budget === undefined) return true;
    const dayStartMs = Math.floor(nowMs / DAY_MS) * DAY_MS;
    if (dayStartMs !== this.dayStartMs) {
      this.dayStartMs = dayStartMs;
      this.counts.clear();
    }
    const eventsToday = this.counts.get(metric.name) ?? 0;
    if (isOverBudget(metric, eventsToday)) return false;
    this.counts.set(metric.name, eventsToday + 1);
    return true;
  }

  eventsToday(metricName: string): number {
    return this.counts.get(metricName) ?? 0;
  }
}
