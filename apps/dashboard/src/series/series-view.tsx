import type { Client } from 'graphql-ws/client';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { subscribeAnomalies } from '../api/live';
import { ANOMALIES, SERIES, type Anomaly, type Connection, type Metric, type Series } from '../api/operations';
import { formatDateTime, formatNumber, formatPercent, formatSeriesKey } from '../ui/format';
import { replaceParams } from '../ui/router';
import { useQuery } from '../ui/use-query';
import { mergeAnomalies, rangeOf, RANGES, toChartData, type Statistic } from './chart-data';
import { SeriesChart } from './series-chart';

/** The chart follows "now": it refetches this often, and shortly after each live anomaly. */
const REFRESH_INTERVAL_MS = 30_000;
const REFETCH_AFTER_ANOMALY_MS = 1_500;
// The API caps a query's estimated cost (page size × fields); 200 anomalies stay well inside it.
const MAX_ANOMALIES = 200;

interface SeriesViewProps {
  token: string;
  metrics: readonly Metric[];
  live: Client;
  params: Record<string, string>;
}

export const SeriesView = ({ token, metrics, live, params }: SeriesViewProps) => {
  const metricName = params['metric'] && metrics.some((metric) => metric.name === params['metric']) ? params['metric'] : metrics[0]?.name;
  const metric = metrics.find((candidate) => candidate.name === metricName);
  const range = rangeOf(params['range']);
  const groupBy = metric?.attributes.includes(params['groupBy'] ?? '') ? (params['groupBy'] ?? '') : '';
  const derived = metric?.type === 'derived';
  const [showP95, setShowP95] = useState(true);
  const [tick, setTick] = useState(0);
  const [liveAnomalies, setLiveAnomalies] = useState<Anomaly[]>([]);
  const [liveError, setLiveError] = useState<string | null>(null);

  const update = (changes: Record<string, string>) => {
    replaceParams('series', { metric: metricName ?? '', range: range.key, groupBy, ...changes });
    setLiveAnomalies([]);
    setTick((value) => value + 1);
  };

  useEffect(() => {
    const timer = window.setInterval(() => setTick((value) => value + 1), REFRESH_INTERVAL_MS);
    return () => window.clearInterval(timer);
  }, []);

  useEffect(() => {
    if (!metricName) return undefined;
    let refetch: number | undefined;
    const unsubscribe = subscribeAnomalies(
      live,
      metricName,
      (anomaly) => {
        setLiveAnomalies((current) => [anomaly, ...current.filter((one) => one.id !== anomaly.id)]);
        window.clearTimeout(refetch);
        refetch = window.setTimeout(() => setTick((value) => value + 1), REFETCH_AFTER_ANOMALY_MS);
      },
      setLiveError,
    );
    return () => {
      window.clearTimeout(refetch);
      unsubscribe();
    };
  }, [live, metricName]);

  const timeWindow = useMemo(() => {
    const toMs = Date.now();
    return { from: new Date(toMs - range.ms).toISOString(), to: new Date(toMs).toISOString() };
    // tick is the clock: each refresh moves the window to end at now.
  }, [range.ms, tick, metricName]);

  const seriesVariables = metricName ? { metric: metricName, from: timeWindow.from, to: timeWindow.to, step: range.step, groupBy: groupBy ? [groupBy] : null } : null;
  const series = useQuery<{ series: Series[] }>(token, SERIES, seriesVariables);
  const anomalies = useQuery<{ anomalies: Connection<Anomaly> }>(
    token,
    ANOMALIES,
    metricName ? { metric: metricName, from: timeWindow.from, to: timeWindow.to, first: MAX_ANOMALIES } : null,
  );

  const allAnomalies = useMemo(
    () => mergeAnomalies(anomalies.data?.anomalies.edges.map((edge) => edge.node) ?? [], liveAnomalies),
    [anomalies.data, liveAnomalies],
  );
  const statistics: Statistic[] = derived ? ['value'] : showP95 ? ['avg', 'p95'] : ['avg'];
  const chart = useMemo(() => toChartData(series.data?.series ?? [], statistics, allAnomalies), [series.data, allAnomalies, statistics.join()]);
  const xMinSeconds = Date.parse(timeWindow.from) / 1000;
  const latestSeconds = Math.max(Date.parse(timeWindow.to), ...allAnomalies.map((anomaly) => Date.parse(anomaly.at))) / 1000;
  const liveIds = new Set(liveAnomalies.map((anomaly) => anomaly.id));

  if (!metric || !metricName) return <p class="empty card">The catalog has no metric yet.</p>;

  return (
    <section>
      <header class="view-header">
        <div>
          <h2>{metric.name}</h2>
          <p class="muted">
            {metric.description}
            {metric.owner && <> · owner <strong>{metric.owner}</strong></>}
            {metric.unit && <> · {metric.unit}</>}
            {metric.alert?.above != null && <> · alert above {formatNumber(metric.alert.above)}</>}
            {metric.alert?.below != null && <> · alert below {formatNumber(metric.alert.below)}</>}
          </p>
        </div>
      </header>
      <div class="toolbar card">
        <label>
          Metric
          <select value={metricName} onChange={(event) => update({ metric: event.currentTarget.value, groupBy: '' })} aria-label="Metric">
            {metrics.map((candidate) => (
              <option key={candidate.name} value={candidate.name}>
                {candidate.name}
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
        <label>
          Group by
          <select value={groupBy} onChange={(event) => update({ groupBy: event.currentTarget.value })} aria-label="Group by" disabled={metric.attributes.length === 0}>
            <option value="">none</option>
            {metric.attributes.map((attribute) => (
              <option key={attribute} value={attribute}>
                {attribute}
              </option>
            ))}
          </select>
        </label>
        {!derived && (
          <label class="check">
            <input type="checkbox" checked={showP95} onChange={(event) => setShowP95(event.currentTarget.checked)} /> p95
          </label>
        )}
        <span class="spacer" />
        <span class="muted small">
          step {range.step} · {derived ? 'formula value' : showP95 ? 'avg (solid), p95 (dashed)' : 'avg'}
        </span>
      </div>
      <div class="card chart-card">
        {series.error && <p class="error" role="alert">{series.error}</p>}
        {anomalies.error && <p class="error" role="alert">Anomalies: {anomalies.error}</p>}
        {liveError && <p class="error" role="alert">Live updates: {liveError}</p>}
        {!series.error && chart.xs.length === 0 && allAnomalies.length === 0 && !series.loading && (
          <p class="empty">No data for {metric.name} in this range.</p>
        )}
        <SeriesChart data={chart} unit={metric.unit} xMinSeconds={xMinSeconds} xMaxSeconds={latestSeconds} />
        <p class="muted small legend-note">
          <span class="anomaly-marker critical static-marker" /> anomaly (hover for details) · drag to zoom, double-click to reset
        </p>
      </div>
      <div class="card table-card">
        <h3>
          Anomalies <span class="muted small">({allAnomalies.length} in range{liveAnomalies.length > 0 ? `, ${liveAnomalies.length} live` : ''})</span>
        </h3>
        <table data-testid="anomaly-table">
          <thead>
            <tr>
              <th>At</th>
              <th>Series</th>
              <th class="num">Value</th>
              <th class="num">Expected</th>
              <th class="num">Score</th>
              <th>Severity</th>
              <th>Detector</th>
            </tr>
          </thead>
          <tbody>
            {allAnomalies.slice(0, 50).map((anomaly) => (
              <tr key={anomaly.id} class={liveIds.has(anomaly.id) ? 'fresh' : ''}>
                <td class="nowrap">{formatDateTime(anomaly.at)}</td>
                <td>{formatSeriesKey(anomaly.series)}</td>
                <td class="num">{formatNumber(anomaly.value)}</td>
                <td class="num">{formatNumber(anomaly.expected)}</td>
                <td class="num">{formatPercent(anomaly.score)}</td>
                <td>
                  <span class={`severity ${anomaly.severity}`}>{anomaly.severity}</span>
                </td>
                <td>{anomaly.detector}</td>
              </tr>
            ))}
            {allAnomalies.length === 0 && (
              <tr>
                <td colSpan={7} class="empty">
                  No anomalies in this range. New ones appear here and on the chart as they are detected.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
};
