import { Type, type Static } from '@sinclair/typebox';
import type { EventSchema } from './event';

/** telemetry.raw.v1 and telemetry.clean.v1 value; key = source id. */
export const EventEnvelopeSchema = Type.Object({
  sourceId: Type.String({ minLength: 1 }),
  receivedAt: Type.String(),
  events: Type.Array(Type.Unknown()),
});
/** Events inside an envelope are validated one by one, so one bad event never sinks its batch. */
export type EventEnvelope = Static<typeof EventEnvelopeSchema>;
export interface RawEnvelope { sourceId: string; receivedAt: string; events: Static<typeof EventSchema>[] }
export type CleanEnvelope = RawEnvelope;

/** Pipeline stages that can dead-letter an event. */
export type Stage = 'ingest' | 'privacy' | 'processor' | 'anomaly';

/** telemetry.dlq.v1 value; key = source id. `event` never carries a raw subject id. */
export interface DeadLetter {
  sourceId: string;
  event: unknown;
  reason: string;
  stage: Stage;
  at: string;
}

/** consent.v1 value; key = pseudonymous subject. Compacted: the latest record per subject wins. */
export const ConsentRecordSchema = Type.Object({
  subject: Type.String({ minLength: 1 }),
  purposes: Type.Record(Type.String(), Type.Boolean()),
  at: Type.String(),
});
export type ConsentRecord = Static<typeof ConsentRecordSchema>;

export const QuantilesSchema = Type.Object({
  p50: Type.Union([Type.Number(), Type.Null()]),
  p95: Type.Union([Type.Number(), Type.Null()]),
  p99: Type.Union([Type.Number(), Type.Null()]),
});

/** metrics.rollup.v1 value; key = `${metric}|${series}`. */
export const RollupRecordSchema = Type.Object({
  metric: Type.String(),
  /** Canonical series key: the series attributes as sorted `k=v` pairs joined by ','; '' for none. */
  series: Type.String(),
  bucketStart: Type.String(),
  bucketSeconds: Type.Integer({ minimum: 1 }),
  count: Type.Number(),
  sum: Type.Number(),
  min: Type.Number(),
  max: Type.Number(),
  quantiles: QuantilesSchema,
  /** Derived metrics: the formula's value for the bucket; absent for measured metrics. */
  value: Type.Optional(Type.Union([Type.Number(), Type.Null()])),
  attributes: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean()]))),
});
export type RollupRecord = Static<typeof RollupRecordSchema>;

export const SeveritySchema = Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]);
export type Severity = Static<typeof SeveritySchema>;

/** anomalies.v1 value; key = `${metric}|${series}`. */
export const AnomalyRecordSchema = Type.Object({
  id: Type.String(),
  metric: Type.String(),
  series: Type.String(),
  at: Type.String(),
  value: Type.Number(),
  expected: Type.Union([Type.Number(), Type.Null()]),
  score: Type.Number({ minimum: 0, maximum: 1 }),
  detector: Type.String(),
  severity: SeveritySchema,
});
export type AnomalyRecord = Static<typeof AnomalyRecordSchema>;
