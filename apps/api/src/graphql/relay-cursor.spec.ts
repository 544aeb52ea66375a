import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error';
import { decodeCursor, encodeCursor, pageSize } from './relay-cursor';

describe('relay cursors', () => {
  it.each([
    [{ at: '2026-11-25T12:00:00.123456Z', id: 'a1' }],
    [{ at: '1970-01-01T00:00:00.000000Z', id: '6f1c1f7e-0a7d-4a57-9a4b-0f3f4a2b7c11' }],
    [{ at: '2026-11-25T12:00:00.000001Z', id: 'id with spaces, commas and "quotes"' }],
  ])('round-trips %j', (position) => {
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    ['not base64url', 'a+b/c='],
    ['base64 of garbage', Buffer.from('not json').toString('base64url')],
    ['another version', Buffer.from(JSON.stringify(['c0', '2026-11-25T12:00:00.000000Z', 'x'])).toString('base64url')],
    ['a millisecond time', Buffer.from(JSON.stringify(['c1', '2026-11-25T12:00:00.000Z', 'x'])).toString('base64url')],
    ['SQL in the time', Buffer.from(JSON.stringify(['c1', "2026-11-25'; DROP TABLE anomalies; --", 'x'])).toString('base64url')],
    ['an object', Buffer.from(JSON.stringify({ at: '2026-11-25T12:00:00.000000Z', id: 'x' })).toString('base64url')],
    ['an empty id', Buffer.from(JSON.stringify(['c1', '2026-11-25T12:00:00.000000Z', ''])).toString('base64url')],
    ['too long', 'a'.repeat(600)],
  ])('refuses %s as BAD_USER_INPUT', (_name, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(ApiError);
  });

  it.each([
    [undefined, 50],
    [null, 50],
    [1, 1],
    [500, 500],
  ])('page size for first=%j is %i', (first, size) => {
    expect(pageSize(first)).toBe(size);
  });

  it.each([[0], [-1], [501], [1.5]])('refuses first=%j', (first) => {
    expect(() => pageSize(first)).toThrow(ApiError);
  });
});
