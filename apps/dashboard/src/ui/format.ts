/** How numbers and times read in the dashboard: local time, compact numbers, no false precision. */

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export const formatDateTime = (iso: string | null | undefined): string => (iso ? dateTime.format(new Date(iso)) : '—');

export const formatTime = (iso: string): string => timeOnly.format(new Date(iso));

export const formatNumber = (value: number | null | undefined): string => {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-3)) return value.toExponential(2);
  return value.toLocaleString(undefined, { maximumFractionDigits: magnitude >= 100 ? 0 : magnitude >= 1 ? 2 : 4 });
};

export const formatPercent = (fraction: number): string => `${Math.round(fraction * 100)}%`;

/** "region=eu,app=web" (the API's canonical series key) for display; "" is the metric's only series. */
export const formatSeriesKey = (series: string): string => (series === '' ? 'all' : series.split(',').join(' · '));

export const formatGroup = (group: Record<string, unknown>): string => {
  const entries = Object.entries(group);
  return entries.length === 0 ? 'all' : entries.map(([key, value]) => `${key}=${String(value)}`).join(' · ');
};
