import { describe, expect, it } from 'vitest';
import { SubscriberQueue } from './subscriber-queue';

describe('SubscriberQueue', () => {
  it('hands pushed items to next() in order, whether pushed before or after the pull', async () => {
    const queue = new SubscriberQueue<number>(10, () => undefined);
    queue.push(1);
    const waiting = queue.next();
    const late = queue.next();
    queue.push(2);
    expect(await waiting).toEqual({ value: 1, done: false });
    expect(await late).toEqual({ value: 2, done: false });
  });

  it.each([
    [3, [1, 2, 3, 4, 5], [3, 4, 5], 2],
    [5, [1, 2], [1, 2], 0],
  ])('keeps at most %i items, dropping the oldest', async (capacity, pushed, kept, dropped) => {
    const queue = new SubscriberQueue<number>(capacity, () => undefined);
    pushed.forEach((item) => queue.push(item));
    const read: number[] = [];
    for (const _ of kept) read.push((await queue.next()).value as number);
    expect(read).toEqual(kept);
    expect(queue.dropped).toBe(dropped);
  });

  it('ends a waiting pull and unsubscribes once on return()', async () => {
    let closed = 0;
    const queue = new SubscriberQueue<number>(10, () => {
      closed += 1;
    });
    const waiting = queue.next();
    await queue.return();
    await queue.return();
    queue.push(7);
    expect(await waiting).toEqual({ value: undefined, done: true });
    expect(await queue.next()).toEqual({ value: undefined, done: true });
    expect(closed).toBe(1);
  });
});
