export interface BackoffOptions {
  retryBaseMs: number;
  retryMaxMs: number;
}

/**
 * Exponential backoff with "equal jitter": half the capped exponential delay is fixed, half is
 * random, so many clients that failed together spread out but none retries immediately.
 * `attempt` counts failures so far, from 1.
 */
export const computeBackoffMs = (attempt: number, options: BackoffOptions, uniformDraw: number): number => {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const capMs = Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** exponent);
  return Math.round(capMs / 2 + (uniformDraw * capMs) / 2);
};

/** `Retry-After` as delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export const parseRetryAfterMs = (header: string | null | undefined, nowMs: number): number | undefined => {
  if (header === null || header === undefined) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // An HTTP date names its weekday and month; without letters, Date.parse guesses ("-5" is a year).
  if (!/[a-z]/i.test(trimmed)) return undefined;
  const dateMs = Date.parse(trimmed);
  if (Number.isNaN(dateMs)) return undefined;
  return Math.max(0, dateMs - nowMs);
};

/**
 * Delay before the next attempt: the server's Retry-After when it gave one (never less, plus up to
 * 10% jitter so a fleet told "30 s" does not return in the same millisecond), else backoff.
 */
export const computeRetryDelayMs = (
  attempt: number,
  retryAfterMs: number | undefined,
  options: BackoffOptions,
  uniformDraw: number,
): number => {
  if (retryAfterMs === undefined) return computeBackoffMs(attempt, options, uniformDraw);
  return Math.round(retryAfterMs + uniformDraw * retryAfterMs * 0.1);
};
