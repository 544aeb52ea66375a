import { useMemo } from 'preact/hooks';
import { PATTERNS, type Metric, type Pattern } from '../api/operations';
import { rangeOf, RANGES } from '../series/chart-data';
import { formatNumber, formatPercent } from '../ui/format';
import { navigate, replaceParams } from '../ui/router';
import { useQuery } from '../ui/use-query';

const numberField = (record: Record<string, unknown>, key: string): number | null => {
  const value = record[key];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
};

const StrengthBar = ({ strength }: { strength: number }) => (
  <span class="strength" title={`strength ${strength.toFixed(3)}`}>
    <span class="strength-track">
      <span class="strength-fill" style={{ width: formatPercent(Math.max(0, Math.min(1, strength))) }} />
    </span>
    <span class="strength-label">{formatPercent(strength)}</span>
  </span>
);

export const PatternsView = ({ token, metrics, params }: { token: string; metrics: readonly Metric[]; params: Record<string, string> }) => {
  const metricName = params['metric'] && metrics.some((metric) => metric.name === params['metric']) ? params['metric'] : metrics[0]?.name;
  const range = rangeOf(params['range'] ?? '24h');
  const variables = useMemo(() => {
    if (!metricName) return null;
    const toMs = Date.now();
    return { metric: metricName, from: new Date(toMs - range.ms).toISOString(), to: new Date(toMs).toISOString() };
  }, [metricName, range.ms]);
  const patterns = useQuery<{ patterns: Pattern[] }>(token, PATTERNS, variables);
  const segments = patterns.data?.patterns.filter((pattern) => pattern.kind === 'segment') ?? [];
  const correlations = patterns.data?.patterns.filter((pattern) => pattern.kind === 'correlation') ?? [];
  const update = (changes: Record<string, string>) => {
    replaceParams('patterns', { metric: metricName ?? '', range: range.key, ...changes });
  };

  if (!metricName) return <p class="empty card">The catalog has no metric yet.</p>;

  return (
    <section>
      <header class="view-header">
        <div>
          <h2>Patterns</h2>
          <p class="muted">Attribute values whose mean deviates from the rest, and metrics that move with this one, mined over the range.</p>
        </div>
      </header>
      <div class="toolbar card">
        <label>
          Metric
          <select value={metricName} onChange={(event) => update({ metric: event.currentTarget.value })} aria-label="Metric">
            {metrics.map((metric) => (
              <option key={metric.name} value={metric.name}>
                {metric.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Range
          <select value={range.key} onChange={(event) => update({ range: event.currentTarget.value })} aria-label="Range">
            {RANGES.map((option) => (
              <option key={option.key} value={option.key}>
                {option.label}
              </option>
            ))}
          </select>
        </label>
        <span class="spacer" />
        <button class="secondary" onClick={patterns.reload} disabled={patterns.loading}>
          {patterns.loading ? 'Mining…' : 'Mine again'}
        </button>
      </div>
      {patterns.error && <p class="error card" role="alert">{patterns.error}</p>}
      <div class="grid-2">
        <div class="card table-card">
          <h3>Top segments</h3>
          <table data-testid="segment-table">
            <thead>
              <tr>
                <th>Segment</th>
                <th class="num">Mean</th>
                <th class="num">Rest</th>
                <th class="num">Share</th>
                <th>Strength</th>
              </tr>
            </thead>
            <tbody>
              {segments.map((pattern) => (
                <tr key={`${String(pattern.subject['attribute'])}=${String(pattern.subject['value'])}`}>
                  <td>
                    <span class="tag">
                      {String(pattern.subject['attribute'])}={String(pattern.subject['value'])}
                    </span>
                    <div class="muted small">{formatNumber(pattern.support)} points</div>
                  </td>
                  <td class="num">{formatNumber(numberField(pattern.details, 'segmentMean'))}</td>
                  <td class="num">{formatNumber(numberField(pattern.details, 'restMean'))}</td>
                  <td class="num">{formatPercent(numberField(pattern.details, 'share') ?? 0)}</td>
                  <td>
                    <StrengthBar strength={pattern.strength} />
                  </td>
                </tr>
              ))}
              {segments.length === 0 && !patterns.loading && (
                <tr>
                  <td colSpan={5} class="empty">No deviating segment in this range.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        <div class="card table-card">
          <h3>Correlations</h3>
          <table data-testid="correlation-table">
            <thead>
              <tr>
                <th>Metric</th>
                <th class="num">r</th>
                <th class="num">Buckets</th>
                <th>Strength</th>
              </tr>
            </thead>
            <tbody>
              {correlations.map((pattern) => {
                const other = String(pattern.subject['metric']);
                const r = numberField(pattern.details, 'r');
                return (
                  <tr key={other}>
                    <td>
                      <a href={`#/series?metric=${encodeURIComponent(other)}`} onClick={(event) => {
                        event.preventDefault();
                        navigate('series', { metric: other });
                      }}>
                        {other}
                      </a>
                      <div class="muted small">{r !== null && r < 0 ? 'moves against' : 'moves with'} {metricName}</div>
                    </td>
                    <td class="num">{r === null ? '—' : r.toFixed(2)}</td>
                    <td class="num">{formatNumber(pattern.support)}</td>
                    <td>
                      <StrengthBar strength={pattern.strength} />
                    </td>
                  </tr>
                );
              })}
              {correlations.length === 0 && !patterns.loading && (
                <tr>
                  <td colSpan={4} class="empty">No correlated metric in this range.</td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      </div>
    </section>
  );
};
