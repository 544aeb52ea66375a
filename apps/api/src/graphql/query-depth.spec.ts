import { parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { queryDepth } from './query-depth';

describe('queryDepth', () => {
  it.each([
    ['{ metrics { name } }', 2],
    ['{ sources { id } metrics { name alert { above } } }', 3],
    ['{ anomalies { edges { node { incident { id } } } } }', 5],
    ['query A { metrics { name } } query B { anomalies { edges { node { id } } } }', 4],
    ['{ ...F } fragment F on Query { anomalies { edges { node { id } } } }', 4],
    ['{ anomalies { edges { node { ... on Anomaly { incident { id } } } } } }', 5],
    ['{ __schema { types { fields { type { ofType { ofType { name } } } } } } metrics { name } }', 2],
    ['{ ...A } fragment A on Query { ...B } fragment B on Query { ...A metrics { name } }', 2],
  ])('%s has depth %i', (query, depth) => {
    expect(queryDepth(parse(query))).toBe(depth);
  });

  it('measures only the named operation when one is chosen', () => {
    const document = parse('query Shallow { metrics { name } } query Deep { anomalies { edges { node { id } } } }');
    expect(queryDepth(document, 'Shallow')).toBe(2);
    expect(queryDepth(document, 'Deep')).toBe(4);
  });
});
