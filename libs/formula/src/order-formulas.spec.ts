import { describe, expect, it } from 'vitest';
import { orderFormulas } from './order-formulas';

const graph = (entries: Record<string, string[]>) => new Map(Object.entries(entries));

describe('orderFormulas', () => {
  it('puts every derived metric after the derived metrics it reads, ignoring measured ones', () => {
    const result = orderFormulas(graph({ c: ['a', 'b', 'measured.x'], a: ['measured.y'], b: ['a'] }));
    expect(result.ok).toBe(true);
    const position = (name: string) => result.order.indexOf(name);
    expect(result.order).toHaveLength(3);
    expect(position('a')).toBeLessThan(position('b'));
    expect(position('b')).toBeLessThan(position('c'));
  });

  it.each<[string, Record<string, string[]>, string[][]]>([
    ['self reference', { a: ['a'] }, [['a', 'a']]],
    ['two-metric cycle', { a: ['b'], b: ['a'] }, [['a', 'b', 'a']]],
    ['cycle reached through a tail', { t: ['a'], a: ['b'], b: ['c'], c: ['a'] }, [['a', 'b', 'c', 'a']]],
    ['two separate cycles', { a: ['b'], b: ['a'], x: ['y'], y: ['x'] }, [['a', 'b', 'a'], ['x', 'y', 'x']]],
  ])('reports a %s with its path', (_label, entries, cycles) => {
    const result = orderFormulas(graph(entries));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.cycles).toEqual(cycles);
  });

  it('orders a chain of 100,000 derived metrics without recursion', () => {
    const chain = new Map(Array.from({ length: 100_000 }, (_, i) => [`m${i}`, i === 0 ? [] : [`m${i - 1}`]]));
    const result = orderFormulas(chain);
    expect(result.ok).toBe(true);
    expect(result.order[0]).toBe('m0');
    expect(result.order[99_999]).toBe('m99999');
  });
});
