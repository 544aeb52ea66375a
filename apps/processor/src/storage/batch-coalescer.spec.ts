import { describe, expect, it } from 'vitest';
import { BatchCoalescer } from './batch-coalescer';

describe('BatchCoalescer', () => {
  it('stores the items submitted in one turn together and answers each with that outcome', async () => {
    const calls: number[][] = [];
    const coalescer = new BatchCoalescer<number, string>(async (items) => {
      calls.push(items);
      return `stored ${items.join('+')}`;
    });
    const outcomes = await Promise.all([coalescer.submit(1), coalescer.submit(2), coalescer.submit(3)]);
    expect(calls).toEqual([[1, 2, 3]]);
    expect(outcomes).toEqual(['stored 1+2+3', 'stored 1+2+3', 'stored 1+2+3']);
  });

  it('rejects every item of a failed store, and stores later items on their own', async () => {
    const calls: string[][] = [];
    const coalescer = new BatchCoalescer<string, void>(async (items) => {
      calls.push(items);
      if (items.includes('bad')) throw new Error('database refused');
    });
    const first = Promise.allSettled([coalescer.submit('good'), coalescer.submit('bad')]);
    expect((await first).map((result) => result.status)).toEqual(['rejected', 'rejected']);
    await expect(coalescer.submit('later')).resolves.toBeUndefined();
    expect(calls).toEqual([['good', 'bad'], ['later']]);
  });

  it('does not resolve an item before its store has finished', async () => {
    let finishStore: () => void = () => undefined;
    const coalescer = new BatchCoalescer<number, void>(() => new Promise<void>((resolve) => (finishStore = resolve)));
    let resolved = false;
    const submitted = coalescer.submit(1).then(() => (resolved = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(resolved).toBe(false);
    finishStore();
    await submitted;
    expect(resolved).toBe(true);
  });
});
