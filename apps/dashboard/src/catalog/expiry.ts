/** How close a metric is to its `expires` date (metrics.yaml): after that day its events are rejected "expired". */

export type ExpiryState = 'expired' | 'soon' | 'ok' | 'never';

export interface Expiry {
  state: ExpiryState;
  /** Whole days from today (UTC) to the expiry day; negative once expired; null without a date. */
  daysLeft: number | null;
}

/** Metrics expiring within this many days are flagged, so their owners renew or retire them in time. */
export const SOON_DAYS = 30;

const DAY_MS = 86_400_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export const classifyExpiry = (expires: string | null, now: Date): Expiry => {
  const match = expires === null ? null : DATE_PATTERN.exec(expires);
  if (!match) return { state: 'never', daysLeft: null };
  const expiryDayMs = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  const todayMs = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const daysLeft = Math.round((expiryDayMs - todayMs) / DAY_MS);
  // The expiry day itself is still accepted ("after this, events are rejected").
  if (daysLeft < 0) return { state: 'expired', daysLeft };
  return { state: daysLeft <= SOON_DAYS ? 'soon' : 'ok', daysLeft };
};

export const describeExpiry = (expiry: Expiry): string => {
  if (expiry.daysLeft === null) return 'never';
  if (expiry.state === 'expired') return `expired ${-expiry.daysLeft} d ago`;
  if (expiry.daysLeft === 0) return 'expires today';
  return `in ${expiry.daysLeft} d`;
};
