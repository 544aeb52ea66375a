import { useMemo, useState } from 'preact/hooks';
import type { Metric } from '../api/operations';
import { navigate } from '../ui/router';
import { classifyExpiry, describeExpiry, SOON_DAYS, type ExpiryState } from './expiry';

const EXPIRY_ORDER: Record<ExpiryState, number> = { expired: 0, soon: 1, ok: 2, never: 3 };

export const CatalogView = ({ metrics }: { metrics: readonly Metric[] }) => {
  const [filter, setFilter] = useState('');
  const now = useMemo(() => new Date(), []);
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return metrics
      .map((metric) => ({ metric, expiry: classifyExpiry(metric.expires, now) }))
      .filter(({ metric }) =>
        needle === '' ? true : [metric.name, metric.owner, metric.purpose, metric.description].some((text) => text?.toLowerCase().includes(needle)),
      )
      .sort((a, b) => EXPIRY_ORDER[a.expiry.state] - EXPIRY_ORDER[b.expiry.state] || a.metric.name.localeCompare(b.metric.name));
  }, [metrics, filter, now]);
  const expired = rows.filter((row) => row.expiry.state === 'expired').length;
  const soon = rows.filter((row) => row.expiry.state === 'soon').length;

  return (
    <section>
      <header class="view-header">
        <div>
          <h2>Catalog</h2>
          <p class="muted">
            {metrics.length} metrics
            {expired > 0 && <span class="pill danger">{expired} expired</span>}
            {soon > 0 && <span class="pill warning">{soon} expiring within {SOON_DAYS} days</span>}
          </p>
        </div>
        <input type="search" class="filter" placeholder="Filter by name, owner, purpose…" value={filter} onInput={(event) => setFilter(event.currentTarget.value)} />
      </header>
      <div class="card table-card">
        <table class="catalog">
          <thead>
            <tr>
              <th>Metric</th>
              <th>Owner</th>
              <th>Hypothesis</th>
              <th>Action</th>
              <th>Purpose</th>
              <th>Expires</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ metric, expiry }) => (
              <tr key={metric.name} class={`expiry-${expiry.state}`} data-metric={metric.name}>
                <td>
                  <a class="metric-name" href={`#/series?metric=${encodeURIComponent(metric.name)}`} onClick={(event) => {
                    event.preventDefault();
                    navigate('series', { metric: metric.name });
                  }}>
                    {metric.name}
                  </a>
                  <div class="muted small">
                    {metric.type}
                    {metric.unit ? ` · ${metric.unit}` : ''}
                    {metric.description ? ` · ${metric.description}` : ''}
                  </div>
                </td>
                <td>{metric.owner ?? <span class="muted">—</span>}</td>
                <td class="prose">{metric.hypothesis ?? <span class="muted">—</span>}</td>
                <td class="prose">{metric.action ?? <span class="muted">—</span>}</td>
                <td>{metric.purpose ? <span class="tag">{metric.purpose}</span> : <span class="muted">—</span>}</td>
                <td class="nowrap">
                  <div>{metric.expires ?? 'never'}</div>
                  <span class={`expiry-badge ${expiry.state}`}>{describeExpiry(expiry)}</span>
                </td>
              </tr>
            ))}
            {rows.length === 0 && (
              <tr>
                <td colSpan={6} class="empty">
                  {metrics.length === 0 ? 'The catalog is empty: apply a metrics.yaml (npm run catalog:apply) or call defineMetric.' : 'No metric matches the filter.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
};
