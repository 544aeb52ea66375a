import { ok, reject, type StepResult } from '@telemetry/contracts';
import type { Incident } from './incident';

export type IncidentAction = 'acknowledge' | 'resolve';

/**
 * The incident state machine: open → acknowledged → resolved, and open → resolved. Repeating the
 * transition that produced the current status is a no-op (a double click, a retried request);
 * acknowledging a resolved incident is refused, since a new anomaly would open a new incident.
 */
export const transitionIncident = (incident: Incident, action: IncidentAction, atMs: number): StepResult<Incident> => {
  switch (action) {
    case 'acknowledge':
      if (incident.status === 'resolved') return reject('incident_resolved', `incident ${incident.id} is already resolved`);
      if (incident.status === 'acknowledged') return ok(incident);
      return ok({ ...incident, status: 'acknowledged', acknowledgedAtMs: atMs });
    case 'resolve':
      if (incident.status === 'resolved') return ok(incident);
      return ok({ ...incident, status: 'resolved', resolvedAtMs: atMs });
  }
};

/**
 * Active incidents whose series has been quiet for longer than the quiet period, resolved as of
 * the moment they went quiet (last anomaly + quiet period).
 */
export const autoResolveQuiet = (incidents: readonly Incident[], nowMs: number, quietPeriodMs: number): Incident[] =>
  incidents
    .filter((incident) => incident.status !== 'resolved' && nowMs - incident.lastAnomalyAtMs > quietPeriodMs)
    .map((incident) => ({
      ...incident,
      status: 'resolved' as const,
      resolvedAtMs: Math.max(incident.lastAnomalyAtMs + quietPeriodMs, incident.acknowledgedAtMs ?? 0),
    }));
