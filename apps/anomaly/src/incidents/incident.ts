import type { Severity } from '@telemetry/contracts';

export type IncidentStatus = 'open' | 'acknowledged' | 'resolved';

/** An incident as the pure logic sees it (times in epoch ms); the repository maps it to `incidents`. */
export interface Incident {
  id: string;
  metric: string;
  series: string;
  status: IncidentStatus;
  severity: Severity;
  openedAtMs: number;
  lastAnomalyAtMs: number;
  acknowledgedAtMs: number | null;
  resolvedAtMs: number | null;
  anomalyCount: number;
  maxScore: number;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

export const worseSeverity = (a: Severity, b: Severity): Severity => (SEVERITY_RANK[b] > SEVERITY_RANK[a] ? b : a);
