import { severityForScore } from '@telemetry/anomaly';
import type { MetricDefinition } from '@telemetry/contracts';
import { STATIC_DETECTOR, STATIC_SCORE, type AnomalyFinding } from './build-anomaly';
import { evaluateStaticRules } from './evaluate-static-rules';
import type { SeriesDetectors } from './series-detectors';
import type { DetectorStream, ScoredPoint } from './to-scored-points';

export interface ScoringContext {
  stream: DetectorStream;
  partition: number;
  /** Detector scores at or above this are anomalies. */
  threshold: number;
  definitionOf: (metric: string) => MetricDefinition | undefined;
}

export interface ScoringOutcome {
  findings: AnomalyFinding[];
  scored: number;
  /** Points at or before their series' last learned point: already scored before a restart or retry. */
  replays: number;
}

/**
 * Runs one partition's points, in arrival order, through their series' detectors and the catalog's
 * static rules. Lines (above/below) apply from the first point; a drop rule, which is relative to
 * the series' expected level, and the detector itself say nothing during warm-up.
 */
export const scorePoints = (detectors: SeriesDetectors, points: readonly ScoredPoint[], context: ScoringContext): ScoringOutcome => {
  const outcome: ScoringOutcome = { findings: [], scored: 0, replays: 0 };
  for (const point of points) {
    const result = detectors.score(context.stream, context.partition, point);
    if (result === null) {
      outcome.replays += 1;
      continue;
    }
    outcome.scored += 1;
    if (result.detector !== 'warmup' && result.score >= context.threshold) {
      outcome.findings.push({ point, expected: result.expected, score: result.score, detector: result.detector, severity: severityForScore(result.score) });
    }
    const breach = evaluateStaticRules(context.definitionOf(point.metric)?.alert, point.value, {
      expected: result.expected,
      isWarm: result.detector !== 'warmup',
    });
    if (breach) {
      // A drop is told against the level the series usually has, a line against the line itself.
      const expected = breach.rule === 'drop' ? result.expected : breach.threshold;
      outcome.findings.push({ point, expected, score: STATIC_SCORE, detector: STATIC_DETECTOR, severity: severityForScore(STATIC_SCORE) });
    }
  }
  return outcome;
};
