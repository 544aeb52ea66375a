import type { Severity } from '@telemetry/contracts';
import { worseSeverity, type Incident } from './incident';

/** A newly stored anomaly of one series, as incident grouping needs it. */
export interface IncidentAnomaly {
  id: string;
  atMs: number;
  score: number;
  severity: Severity;
}

export interface IncidentChange {
  incident: Incident;
  /** True when the incident did not exist before this plan (insert, and notify "opened"). */
  opened: boolean;
  /** True when this plan resolved it (a quiet gap inside the batch; notify "resolved"). */
  resolved: boolean;
  /** The anomalies that belong to it. */
  anomalyIds: string[];
}

/**
 * Groups one series' new anomalies into incidents. Anomalies no further apart than the quiet period
 * join the active incident; a longer gap resolves it (at last anomaly + quiet period, when it would
 * have auto-resolved) and the next anomaly opens a new one. At most the last change stays active,
 * which is what the one-active-incident-per-series index demands.
 */
export const planIncidentUpdates = (
  active: Incident | null,
  anomalies: readonly IncidentAnomaly[],
  quietPeriodMs: number,
  newIncidentId: (firstAnomaly: IncidentAnomaly) => string,
  series: { metric: string; series: string },
): IncidentChange[] => {
  const changes: IncidentChange[] = [];
  let current: IncidentChange | null = active ? { incident: { ...active }, opened: false, resolved: false, anomalyIds: [] } : null;
  const ordered = [...anomalies].sort((a, b) => a.atMs - b.atMs);
  for (const anomaly of ordered) {
    if (current && anomaly.atMs - current.incident.lastAnomalyAtMs > quietPeriodMs) {
      current.incident.status = 'resolved';
      current.incident.resolvedAtMs = current.incident.lastAnomalyAtMs + quietPeriodMs;
      current.resolved = true;
      changes.push(current);
      current = null;
    }
    if (!current) {
      current = {
        incident: {
          id: newIncidentId(anomaly),
          metric: series.metric,
          series: series.series,
          status: 'open',
          severity: anomaly.severity,
          openedAtMs: anomaly.atMs,
          lastAnomalyAtMs: anomaly.atMs,
          acknowledgedAtMs: null,
          resolvedAtMs: null,
          anomalyCount: 0,
          maxScore: 0,
        },
        opened: true,
        resolved: false,
        anomalyIds: [],
      };
    }
    const incident = current.incident;
    incident.anomalyCount += 1;
    incident.maxScore = Math.max(incident.maxScore, anomaly.score);
    incident.severity = worseSeverity(incident.severity, anomaly.severity);
    incident.lastAnomalyAtMs = Math.max(incident.lastAnomalyAtMs, anomaly.atMs);
    current.anomalyIds.push(anomaly.id);
  }
  if (current && (current.anomalyIds.length > 0 || current.opened)) changes.push(current);
  return changes;
};
