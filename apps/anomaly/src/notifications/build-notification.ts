import type { AnomalyRecord, MetricDefinition } from '@telemetry/contracts';
import type { Incident } from '../incidents/incident';

export type NotificationEvent = 'incident.opened' | 'incident.resolved';

/** The JSON body POSTed to a webhook. Field names are a contract with receivers: add, never rename. */
export interface NotificationPayload {
  event: NotificationEvent;
  incident: {
    id: string;
    metric: string;
    series: string;
    status: string;
    severity: string;
    openedAt: string;
    lastAnomalyAt: string;
    resolvedAt: string | null;
    anomalyCount: number;
    maxScore: number;
  };
  /** The anomaly that opened the incident (absent on resolution). */
  anomaly?: AnomalyRecord;
  /** What the catalog says to do about this metric, so the page is actionable on its own. */
  metric: { name: string; owner?: string; unit?: string; description?: string; hypothesis?: string; action?: string };
}

const iso = (ms: number) => new Date(ms).toISOString();

export const buildNotification = (
  event: NotificationEvent,
  incident: Incident,
  definition: MetricDefinition | undefined,
  anomaly?: AnomalyRecord,
): NotificationPayload => ({
  event,
  incident: {
    id: incident.id,
    metric: incident.metric,
    series: incident.series,
    status: incident.status,
    severity: incident.severity,
    openedAt: iso(incident.openedAtMs),
    lastAnomalyAt: iso(incident.lastAnomalyAtMs),
    resolvedAt: incident.resolvedAtMs === null ? null : iso(incident.resolvedAtMs),
    anomalyCount: incident.anomalyCount,
    maxScore: incident.maxScore,
  },
  ...(anomaly ? { anomaly } : {}),
  metric: {
    name: incident.metric,
    owner: definition?.owner,
    unit: definition?.unit,
    description: definition?.description,
    hypothesis: definition?.hypothesis,
    action: definition?.action,
  },
});
