import { Type, type Static } from '@sinclair/typebox';

export const METRIC_TYPES = ['counter', 'gauge', 'histogram', 'event', 'derived'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

/**
 * One metric of the catalog, as stored in `metric_definitions` and published on `catalog.v1`
 * (key = metric name, value = this object or null when the metric was removed).
 * `expires` is an ISO date (YYYY-MM-DD) or "never" (allowed only with purpose "none").
 */
export const MetricDefinitionSchema = Type.Object({
  name: Type.String(),
  type: Type.Union(METRIC_TYPES.map((t) => Type.Literal(t))),
  unit: Type.Optional(Type.String()),
  description: Type.String(),
  owner: Type.Optional(Type.String()),
  hypothesis: Type.Optional(Type.String()),
  action: Type.Optional(Type.String()),
  purpose: Type.Optional(Type.String()),
  expires: Type.Optional(Type.String()),
  attributes: Type.Array(Type.String()),
  formula: Type.Optional(Type.String()),
  /**
   * Static rules besides anomaly detection: `above`/`below` are lines on the value; `dropPercent`
   * fires when a series falls that far below the level its own detector expects, counted only for
   * series whose expected level is at least `dropFrom` (default 0), so quiet series never fire.
   */
  alert: Type.Optional(
    Type.Object({
      above: Type.Optional(Type.Number()),
      below: Type.Optional(Type.Number()),
      dropPercent: Type.Optional(Type.Number()),
      dropFrom: Type.Optional(Type.Number()),
    }),
  ),
  budget: Type.Optional(Type.Object({ eventsPerDay: Type.Integer({ minimum: 1 }) })),
  /** Days of raw data_points to keep; rollups are kept longer. */
  retentionDays: Type.Optional(Type.Integer({ minimum: 1 })),
  /** Score raw points (not only 1-minute rollups) in the anomaly detector. */
  highResolution: Type.Optional(Type.Boolean()),
  /** Notification webhook for this metric's incidents. */
  webhook: Type.Optional(Type.String()),
});
export type MetricDefinition = Static<typeof MetricDefinitionSchema>;
