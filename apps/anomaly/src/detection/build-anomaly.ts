import { createHash } from 'node:crypto';
import type { AnomalyRecord, Severity } from '@telemetry/contracts';
import type { ScoredPoint } from './to-scored-points';

/** A human-drawn line is certain: static breaches score 1 and page as critical. */
export const STATIC_DETECTOR = 'static';
export const STATIC_SCORE = 1;

export interface AnomalyFinding {
  point: ScoredPoint;
  expected: number | null;
  score: number;
  detector: string;
  severity: Severity;
}

/**
 * The same point judged by the same detector always gets the same id, so a replayed batch
 * (at-least-once delivery) writes no second row and consumers of anomalies.v1 can de-duplicate.
 */
export const anomalyId = (metric: string, series: string, atMs: number, detector: string): string =>
  createHash('sha256').update(`${metric}|${series}|${new Date(atMs).toISOString()}|${detector}`).digest('hex').slice(0, 32);

export const toAnomalyRecord = (finding: AnomalyFinding): AnomalyRecord => {
  const { point } = finding;
  return {
    id: anomalyId(point.metric, point.series, point.atMs, finding.detector),
    metric: point.metric,
    series: point.series,
    at: new Date(point.atMs).toISOString(),
    value: point.value,
    expected: finding.expected,
    score: Math.min(1, Math.max(0, finding.score)),
    detector: finding.detector,
    severity: finding.severity,
  };
};
