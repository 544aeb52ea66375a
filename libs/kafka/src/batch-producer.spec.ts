import { describe, expect, it } from 'vitest';
import { chunkByBytes } from './batch-producer';

const message = (bytes: number) => ({ key: 'k', value: 'x'.repeat(bytes) });

describe('chunkByBytes', () => {
  it.each([
    [[10, 10, 10], 1_000, [3]],
    [[600, 600, 600], 1_000, [1, 1, 1]],
    [[400, 400, 400, 400], 1_000, [2, 2]],
    [[5_000], 1_000, [1]],
  ])('splits messages of %o bytes under %i per request into %o', (sizes, maxBytes, expected) => {
    const requests = chunkByBytes([{ topic: 't', messages: sizes.map(message) }], maxBytes);
    expect(requests.map((r) => r.reduce((n, tm) => n + tm.messages.length, 0))).toEqual(expected);
  });

  it('keeps every message, in order, across topics', () => {
    const requests = chunkByBytes([
      { topic: 'a', messages: [message(300), message(300)] },
      { topic: 'b', messages: [message(300)] },
    ], 1_200);
    expect(requests.flat().map((tm) => [tm.topic, tm.messages.length])).toEqual([['a', 2], ['b', 1]]);
    expect(requests).toHaveLength(1);
  });
});
