import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { findNulCharacter } from './find-nul-character';

describe('findNulCharacter', () => {
  it.each([
    ['a literal argument', '{ metric(name: "a\\u0000b") { name } }', {}, 'a string literal'],
    ['a variable', 'query($m: String!) { metric(name: $m) { name } }', { m: 'a\u0000' }, 'variable $m'],
    ['a value deep in an input object', 'query($w: [AttributeFilter!]) { metrics { name } }', { w: [{ key: 'k', op: 'EQ', value: ['x', { y: '\u0000' }] }] }, 'variable $w'],
    ['clean arguments', 'query($m: String!) { metric(name: $m) { name } }', { m: 'checkout.latency' }, undefined],
  ])('finds NUL in %s', (_name, query, variables, expected) => {
    expect(findNulCharacter(parse(query), variables)).toBe(expected);
  });

  it('walks a variable nested 100,000 levels deep without exhausting the stack', () => {
    let deep: unknown = '\u0000';
    for (let level = 0; level < 100_000; level++) deep = [deep];
    expect(findNulCharacter(parse('{ metrics { name } }'), { deep })).toBe('variable $deep');
  });
});
