/**
 * Expiry dates are calendar days in UTC. A metric that `expires: 2027-06-30` still accepts events
 * stamped on that day and is expired from 2027-07-01T00:00:00Z on.
 */
export const DAY_MS = 24 * 60 * 60 * 1_000;
/** Like Glean: a metric must be renewed at least every 13 months, so nothing is collected forever by accident. */
export const DEFAULT_MAX_EXPIRY_MONTHS = 13;

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Epoch ms of the day's UTC midnight, or null unless `text` is a real calendar date YYYY-MM-DD. */
export const parseCalendarDate = (text: string): number | null => {
  const match = datePattern.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const date = new Date(ms);
  // Date.UTC rolls 2027-02-30 over to March; a real date survives the round trip.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return null;
  return ms;
};

export const formatCalendarDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

export const startOfUtcDay = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** Calendar months later, clamped to the month's last day (Jan 31 + 1 month = Feb 28/29). */
export const addUtcMonths = (ms: number, months: number): number => {
  const date = new Date(ms);
  const target = Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1);
  const targetDate = new Date(target);
  const lastDay = new Date(Date.UTC(targetDate.getUTCFullYear(), targetDate.getUTCMonth() + 1, 0)).getUTCDate();
  return Date.UTC(targetDate.getUTCFullYear(), targetDate.getUTCMonth(), Math.min(date.getUTCDate(), lastDay));
};

export const toEpochMs = (at: Date | number): number => (typeof at === 'number' ? at : at.getTime());
