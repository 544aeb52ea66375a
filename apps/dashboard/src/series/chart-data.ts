import type { Anomaly, Series } from '../api/operations';
import { formatGroup } from '../ui/format';

/** Ranges offered, each with the step that gives a readable number of buckets (≤ ~300). */
export const RANGES = [
  { key: '1h', label: 'Last hour', ms: 3_600_000, step: '1m' },
  { key: '6h', label: 'Last 6 hours', ms: 6 * 3_600_000, step: '1m' },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000, step: '5m' },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000, step: '1h' },
  { key: '30d', label: 'Last 30 days', ms: 30 * 86_400_000, step: '6h' },
] as const;
export type RangeKey = (typeof RANGES)[number]['key'];

export const rangeOf = (key: string | undefined) => RANGES.find((range) => range.key === key) ?? RANGES[0];

export type Statistic = 'avg' | 'p95' | 'value';

export interface ChartLine {
  label: string;
  statistic: Statistic;
  /** Index of the group, so a group's avg and p95 share a colour. */
  groupIndex: number;
  values: Array<number | null>;
}

export interface ChartMarker {
  id: string;
  xSeconds: number;
  y: number;
  severity: string;
  title: string;
}

export interface ChartData {
  /** Bucket starts in epoch seconds (uPlot's x unit), ascending, the union over all groups. */
  xs: number[];
  lines: ChartLine[];
  markers: ChartMarker[];
  /** The y extent including the markers, so a spike outside the lines' range stays visible. */
  yMin: number | null;
  yMax: number | null;
}

const toSeconds = (iso: string): number => Date.parse(iso) / 1000;

/**
 * The API's series (one per group) as uPlot's aligned columns: one x axis (the union of bucket
 * starts), and per group one line per statistic, null where the group has no bucket. Derived
 * metrics have only `value`; measured metrics show the chosen statistics (avg, p95).
 */
export const toChartData = (series: readonly Series[], statistics: readonly Statistic[], anomalies: readonly Anomaly[]): ChartData => {
  const xs = [...new Set(series.flatMap((one) => one.points.map((point) => toSeconds(point.t))))].sort((a, b) => a - b);
  const column = new Map(xs.map((x, index) => [x, index]));
  const lines: ChartLine[] = [];
  series.forEach((one, groupIndex) => {
    const group = formatGroup(one.group);
    for (const statistic of statistics) {
      const values: Array<number | null> = xs.map(() => null);
      for (const point of one.points) {
        const index = column.get(toSeconds(point.t));
        const value = point[statistic];
        if (index !== undefined && value !== null && Number.isFinite(value)) values[index] = value;
      }
      lines.push({ label: series.length > 1 || group !== 'all' ? `${group} ${statistic}` : statistic, statistic, groupIndex, values });
    }
  });
  const markers: ChartMarker[] = anomalies.map((anomaly) => ({
    id: anomaly.id,
    xSeconds: toSeconds(anomaly.at),
    y: anomaly.value,
    severity: anomaly.severity,
    title: `${anomaly.severity} anomaly (${anomaly.detector}) at ${new Date(anomaly.at).toISOString()}: ${anomaly.value}${
      anomaly.expected === null ? '' : `, expected ${anomaly.expected}`
    } · score ${anomaly.score.toFixed(2)}${anomaly.series ? ` · ${anomaly.series}` : ''}`,
  }));
  const ys = [...lines.flatMap((line) => line.values.filter((value): value is number => value !== null)), ...markers.map((marker) => marker.y)];
  return {
    xs,
    lines,
    markers,
    yMin: ys.length === 0 ? null : Math.min(...ys),
    yMax: ys.length === 0 ? null : Math.max(...ys),
  };
};

/** Live anomalies merged into the fetched ones: by id (a replay is not a second marker), newest first. */
export const mergeAnomalies = (fetched: readonly Anomaly[], live: readonly Anomaly[]): Anomaly[] => {
  const byId = new Map<string, Anomaly>();
  for (const anomaly of [...fetched, ...live]) byId.set(anomaly.id, anomaly);
  return [...byId.values()].sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
};
