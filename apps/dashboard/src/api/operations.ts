/**
 * Every operation the dashboard sends, with the shapes it reads back (a subset of
 * apps/api/schema.graphql; names and arguments follow ARCHITECTURE.md's GraphQL contract).
 */

export interface Metric {
  name: string;
  type: string;
  unit: string | null;
  description: string;
  owner: string | null;
  hypothesis: string | null;
  action: string | null;
  purpose: string | null;
  expires: string | null;
  attributes: string[];
  formula: string | null;
  highResolution: boolean | null;
  alert: { above: number | null; below: number | null } | null;
}

export const METRICS = /* GraphQL */ `
  query Metrics {
    metrics {
      name type unit description owner hypothesis action purpose expires attributes formula highResolution
      alert { above below }
    }
  }`;

export interface SeriesPoint {
  t: string;
  count: number;
  avg: number | null;
  p95: number | null;
  value: number | null;
}

export interface Series {
  group: Record<string, unknown>;
  points: SeriesPoint[];
}

export const SERIES = /* GraphQL */ `
  query Series($metric: String!, $from: DateTime!, $to: DateTime!, $step: String, $groupBy: [String!]) {
    series(metric: $metric, from: $from, to: $to, step: $step, groupBy: $groupBy) {
      group
      points { t count avg p95 value }
    }
  }`;

export interface Anomaly {
  id: string;
  metric: string;
  series: string;
  at: string;
  value: number;
  expected: number | null;
  score: number;
  severity: string;
  detector: string;
}

const ANOMALY_FIELDS = 'id metric series at value expected score severity detector';

export const ANOMALIES = /* GraphQL */ `
  query Anomalies($metric: String, $from: DateTime, $to: DateTime, $first: Int) {
    anomalies(metric: $metric, from: $from, to: $to, first: $first) {
      edges { node { ${ANOMALY_FIELDS} } }
    }
  }`;

export const ANOMALY_DETECTED = /* GraphQL */ `
  subscription AnomalyDetected($metric: String) {
    anomalyDetected(metric: $metric) { ${ANOMALY_FIELDS} }
  }`;

export type IncidentStatus = 'OPEN' | 'ACKNOWLEDGED' | 'RESOLVED';

export interface Incident {
  id: string;
  metric: string;
  series: string;
  status: IncidentStatus;
  severity: string;
  openedAt: string;
  lastAnomalyAt: string;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  anomalyCount: number;
  maxScore: number;
  summary: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

const INCIDENT_FIELDS = 'id metric series status severity openedAt lastAnomalyAt acknowledgedAt resolvedAt anomalyCount maxScore summary';

export const INCIDENTS = /* GraphQL */ `
  query Incidents($status: IncidentStatus, $first: Int, $after: String) {
    incidents(status: $status, first: $first, after: $after) {
      edges { cursor node { ${INCIDENT_FIELDS} } }
      pageInfo { hasNextPage endCursor }
    }
  }`;

export const ACKNOWLEDGE_INCIDENT = /* GraphQL */ `
  mutation AcknowledgeIncident($id: ID!) { acknowledgeIncident(id: $id) { ${INCIDENT_FIELDS} } }`;

export const RESOLVE_INCIDENT = /* GraphQL */ `
  mutation ResolveIncident($id: ID!) { resolveIncident(id: $id) { ${INCIDENT_FIELDS} } }`;

export interface Pattern {
  kind: string;
  subject: Record<string, unknown>;
  strength: number;
  support: number;
  details: Record<string, unknown>;
}

export const PATTERNS = /* GraphQL */ `
  query Patterns($metric: String!, $from: DateTime!, $to: DateTime!) {
    patterns(metric: $metric, from: $from, to: $to) { kind subject strength support details }
  }`;

export interface Consent {
  subject: string;
  updatedAt: string;
  purposes: Array<{ purpose: string; granted: boolean }>;
}

const CONSENT_FIELDS = 'subject updatedAt purposes { purpose granted }';

export const CONSENT = /* GraphQL */ `
  query Consent($subjectId: String!) { consent(subjectId: $subjectId) { ${CONSENT_FIELDS} } }`;

export const RECORD_CONSENT = /* GraphQL */ `
  mutation RecordConsent($subjectId: String!, $purposes: [PurposeGrant!]!) {
    recordConsent(subjectId: $subjectId, purposes: $purposes) { ${CONSENT_FIELDS} }
  }`;

export interface ErasureRequest {
  id: string;
  subject: string;
  status: string;
  requestedAt: string;
  completedAt: string | null;
  deletedRows: Record<string, unknown> | null;
}

export const REQUEST_ERASURE = /* GraphQL */ `
  mutation RequestErasure($subjectId: String!) {
    requestErasure(subjectId: $subjectId) { id subject status requestedAt completedAt deletedRows }
  }`;

/**
 * The schema has no "who am I" query, so the role is read from how a mutation is refused: the
 * API's guard answers FORBIDDEN to viewers before any resolver runs, and for an admin this id is
 * no incident's (not a UUID), so the resolver answers NOT_FOUND without touching a row or the
 * audit log. UNAUTHENTICATED means the token is unknown or revoked.
 */
export const ROLE_PROBE = /* GraphQL */ `
  mutation RoleProbe { acknowledgeIncident(id: "dashboard-role-probe") { id } }`;
