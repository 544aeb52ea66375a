import { parseRetryAfterMs } from './compute-retry-delay';

export interface RejectedEvent {
  index: number;
  reason: string;
}

/** What an answer of `POST /v1/events` means for the batch that was sent. */
export type UploadOutcome =
  /** Stored durably (202): remove the batch; rejected events are not resent, resending cannot fix them. */
  | { kind: 'acked'; accepted: number; rejected: RejectedEvent[] }
  /** Not stored, or unknown: send the same events again later (their ids make it harmless). */
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  /** 413: the request was too large; send fewer events at a time. */
  | { kind: 'split' }
  /** The request itself is unacceptable (400, 415, ...): resending it unchanged cannot succeed. */
  | { kind: 'discard'; reason: string };

const readRejected = (bodyText: string): { accepted: number; rejected: RejectedEvent[] } => {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (error) {
    // A 2xx without the documented body still means "stored": the ids are not resent.
    if (error instanceof SyntaxError) return { accepted: -1, rejected: [] };
    throw error;
  }
  if (typeof body !== 'object' || body === null) return { accepted: -1, rejected: [] };
  const { accepted, rejected } = body as { accepted?: unknown; rejected?: unknown };
  const rejectedEvents = Array.isArray(rejected)
    ? rejected.flatMap((entry: unknown) => {
        if (typeof entry !== 'object' || entry === null) return [];
        const { index, reason } = entry as { index?: unknown; reason?: unknown };
        return typeof index === 'number' ? [{ index, reason: typeof reason === 'string' ? reason : 'unknown' }] : [];
      })
    : [];
  return { accepted: typeof accepted === 'number' ? accepted : -1, rejected: rejectedEvents };
};

export const classifyUploadResponse = (
  status: number,
  retryAfterHeader: string | null,
  bodyText: string,
  nowMs: number,
): UploadOutcome => {
  if (status >= 200 && status < 300) return { kind: 'acked', ...readRejected(bodyText) };
  if (status === 413) return { kind: 'split' };
  const retryAfterMs = parseRetryAfterMs(retryAfterHeader, nowMs);
  const retry = (reason: string): UploadOutcome =>
    retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  if (status === 429) return retry('rate_limited');
  if (status === 503) return retry('unavailable');
  if (status >= 500 || status === 408 || status === 425) return retry(`http_${status}`);
  // A revoked or mistyped key may be fixed by the operator; keep the events and keep trying slowly.
  if (status === 401 || status === 403) return retry('unauthorized');
  return { kind: 'discard', reason: `http_${status}` };
};
