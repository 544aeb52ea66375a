import { useEffect, useState } from 'preact/hooks';
import { errorMessage, request } from '../api/graphql-client';
import { ACKNOWLEDGE_INCIDENT, INCIDENTS, RESOLVE_INCIDENT, type Connection, type Incident, type IncidentStatus } from '../api/operations';
import type { Role } from '../auth/session';
import { formatDateTime, formatPercent, formatSeriesKey } from '../ui/format';
import { navigate } from '../ui/router';

const PAGE_SIZE = 50;
const FILTERS: ReadonlyArray<{ key: IncidentStatus | 'ALL'; label: string }> = [
  { key: 'OPEN', label: 'Open' },
  { key: 'ACKNOWLEDGED', label: 'Acknowledged' },
  { key: 'RESOLVED', label: 'Resolved' },
  { key: 'ALL', label: 'All' },
];

interface IncidentsViewProps {
  token: string;
  role: Role;
  params: Record<string, string>;
}

export const IncidentsView = ({ token, role, params }: IncidentsViewProps) => {
  const filter = FILTERS.find((candidate) => candidate.key === params['status'])?.key ?? 'OPEN';
  const [incidents, setIncidents] = useState<Incident[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<string | null>(null);

  const load = async (after: string | null) => {
    setLoading(true);
    try {
      const { incidents: page } = await request<{ incidents: Connection<Incident> }>(token, INCIDENTS, {
        status: filter === 'ALL' ? null : filter,
        first: PAGE_SIZE,
        after,
      });
      const nodes = page.edges.map((edge) => edge.node);
      setIncidents((current) => (after === null ? nodes : [...current, ...nodes]));
      setCursor(page.pageInfo.endCursor);
      setHasMore(page.pageInfo.hasNextPage);
      setError(null);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    void load(null);
  }, [token, filter]);

  const transition = async (incident: Incident, mutation: 'acknowledge' | 'resolve') => {
    setPending(incident.id);
    try {
      const result = await request<{ acknowledgeIncident?: Incident; resolveIncident?: Incident }>(
        token,
        mutation === 'acknowledge' ? ACKNOWLEDGE_INCIDENT : RESOLVE_INCIDENT,
        { id: incident.id },
      );
      const updated = result.acknowledgeIncident ?? result.resolveIncident;
      if (updated) setIncidents((current) => current.map((one) => (one.id === updated.id ? updated : one)));
      setError(null);
    } catch (failure) {
      setError(errorMessage(failure));
    } finally {
      setPending(null);
    }
  };

  return (
    <section>
      <header class="view-header">
        <div>
          <h2>Incidents</h2>
          <p class="muted">Consecutive anomalies of one series. {role === 'viewer' && 'Viewers can read incidents; acknowledging and resolving needs an admin token.'}</p>
        </div>
        <div class="segmented" role="tablist" aria-label="Incident status">
          {FILTERS.map((option) => (
            <button
              key={option.key}
              role="tab"
              aria-selected={filter === option.key}
              class={filter === option.key ? 'active' : ''}
              onClick={() => {
                navigate('incidents', { status: option.key });
              }}
            >
              {option.label}
            </button>
          ))}
        </div>
      </header>
      {error && <p class="error card" role="alert">{error}</p>}
      <div class="card table-card">
        <table data-testid="incident-table">
          <thead>
            <tr>
              <th>Severity</th>
              <th>Metric · series</th>
              <th>Opened</th>
              <th>Last anomaly</th>
              <th class="num">Anomalies</th>
              <th class="num">Max score</th>
              <th>Status</th>
              {role === 'admin' && <th class="actions-col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {incidents.map((incident) => (
              <tr key={incident.id} data-incident={incident.id} data-status={incident.status}>
                <td>
                  <span class={`severity ${incident.severity}`}>{incident.severity}</span>
                </td>
                <td>
                  <a href={`#/series?metric=${encodeURIComponent(incident.metric)}`} onClick={(event) => {
                    event.preventDefault();
                    navigate('series', { metric: incident.metric });
                  }}>
                    {incident.metric}
                  </a>
                  <div class="muted small">{formatSeriesKey(incident.series)}</div>
                  {incident.summary && <div class="small">{incident.summary}</div>}
                </td>
                <td class="nowrap">{formatDateTime(incident.openedAt)}</td>
                <td class="nowrap">{formatDateTime(incident.lastAnomalyAt)}</td>
                <td class="num">{incident.anomalyCount}</td>
                <td class="num">{formatPercent(incident.maxScore)}</td>
                <td class="nowrap">
                  <span class={`status ${incident.status.toLowerCase()}`}>{incident.status.toLowerCase()}</span>
                  {incident.acknowledgedAt && incident.status === 'ACKNOWLEDGED' && <div class="muted small">{formatDateTime(incident.acknowledgedAt)}</div>}
                  {incident.resolvedAt && <div class="muted small">{formatDateTime(incident.resolvedAt)}</div>}
                </td>
                {role === 'admin' && (
                  <td class="actions nowrap">
                    {incident.status === 'OPEN' && (
                      <button disabled={pending === incident.id} onClick={() => void transition(incident, 'acknowledge')}>
                        Acknowledge
                      </button>
                    )}
                    {incident.status !== 'RESOLVED' && (
                      <button class="secondary" disabled={pending === incident.id} onClick={() => void transition(incident, 'resolve')}>
                        Resolve
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
            {incidents.length === 0 && !loading && (
              <tr>
                <td colSpan={role === 'admin' ? 8 : 7} class="empty">
                  No {filter === 'ALL' ? '' : `${filter.toLowerCase()} `}incidents.
                </td>
              </tr>
            )}
          </tbody>
        </table>
        {hasMore && (
          <div class="more">
            <button class="secondary" disabled={loading} onClick={() => void load(cursor)}>
              {loading ? 'Loading…' : 'Load more'}
            </button>
          </div>
        )}
      </div>
    </section>
  );
};
