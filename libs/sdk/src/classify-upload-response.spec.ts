import { describe, expect, it } from 'vitest';
import { classifyUploadResponse, type UploadOutcome } from './classify-upload-response';

describe('classifyUploadResponse', () => {
  const nowMs = Date.parse('2026-01-01T00:00:00Z');
  it.each<[string, number, string | null, string, UploadOutcome]>([
    ['202 with the documented body', 202, null, '{"accepted":3,"rejected":[]}', { kind: 'acked', accepted: 3, rejected: [] }],
    ['202 with rejections', 202, null, '{"accepted":1,"rejected":[{"index":1,"reason":"invalid_metric"},{"index":2}]}',
      { kind: 'acked', accepted: 1, rejected: [{ index: 1, reason: 'invalid_metric' }, { index: 2, reason: 'unknown' }] }],
    ['2xx without a JSON body is still stored', 200, null, 'ok', { kind: 'acked', accepted: -1, rejected: [] }],
    ['429 with Retry-After seconds', 429, '7', '', { kind: 'retry', reason: 'rate_limited', retryAfterMs: 7_000 }],
    ['429 without Retry-After', 429, null, '', { kind: 'retry', reason: 'rate_limited' }],
    ['503 with an HTTP date', 503, 'Thu, 01 Jan 2026 00:00:10 GMT', '', { kind: 'retry', reason: 'unavailable', retryAfterMs: 10_000 }],
    ['500 is retried', 500, null, '', { kind: 'retry', reason: 'http_500' }],
    ['408 is retried', 408, null, '', { kind: 'retry', reason: 'http_408' }],
    ['401 keeps the events and retries', 401, null, '', { kind: 'retry', reason: 'unauthorized' }],
    ['413 asks for smaller batches', 413, null, '', { kind: 'split' }],
    ['400 cannot be fixed by resending', 400, null, '{"error":"malformed"}', { kind: 'discard', reason: 'http_400' }],
    ['415 cannot be fixed by resending', 415, null, '', { kind: 'discard', reason: 'http_415' }],
  ])('%s', (_name, status, retryAfter, body, expected) => {
    expect(classifyUploadResponse(status, retryAfter, body, nowMs)).toEqual(expected);
  });
});
