/**
 * Exponential backoff before retry number `attempt` (1 = the first retry): initial × 2^(attempt−1),
 * capped, with "equal jitter" (half fixed, half random) so that many failed deliveries to one
 * receiver do not retry in lockstep. `random` is injected to keep this pure.
 */
export const backoffDelayMs = (attempt: number, initialMs: number, maxMs: number, random: number): number => {
  const ceiling = Math.min(maxMs, initialMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * Math.min(1, Math.max(0, random)));
};

/** Whether a failed delivery is worth retrying: network errors, timeouts, 408, 429 and 5xx. */
export const isRetriableStatus = (status: number | null): boolean =>
  status === null || status === 408 || status === 429 || status >= 500;
