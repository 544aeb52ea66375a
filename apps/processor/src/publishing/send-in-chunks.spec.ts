import { describe, expect, it } from 'vitest';
import { chunkMessages } from './send-in-chunks';

const message = (bytes: number) => ({ key: 'k', value: 'x'.repeat(bytes) });

describe('chunkMessages', () => {
  it.each([
    ['nothing', [], 1_000, []],
    ['all in one when small', [100, 100, 100], 1_000, [3]],
    ['split at the limit', [400, 400, 400], 1_000, [2, 1]],
    ['an oversized message alone', [5_000, 10, 10], 1_000, [1, 2]],
  ])('%s', (_name, sizes, limit, expected) => {
    expect(chunkMessages(sizes.map(message), limit).map((chunk) => chunk.length)).toEqual(expected);
  });
});
