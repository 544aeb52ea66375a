import { getIntrospectionQuery, parse, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiConfigSchema } from '../config';
import { buildApiSchema } from './build-api-schema';
import { checkQueryLimits } from './query-limits.plugin';

const defaults = {
  maxDepth: apiConfigSchema.properties.API_MAX_QUERY_DEPTH.default as number,
  maxComplexity: apiConfigSchema.properties.API_MAX_QUERY_COMPLEXITY.default as number,
};
let schema: GraphQLSchema;

beforeAll(async () => {
  schema = await buildApiSchema();
});

const refusal = (query: string, variables: Record<string, unknown> = {}) => checkQueryLimits(defaults, schema, parse(query), undefined, variables)?.extensions ?? null;

describe('checkQueryLimits with the default limits', () => {
  it.each([
    ['the standard introspection query', getIntrospectionQuery()],
    ['a dashboard page', '{ metrics { name type unit } incidents(first: 20) { edges { node { id metric status severity } } pageInfo { hasNextPage endCursor } } }'],
    ['a series query', '{ series(metric: "m", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", step: "1m") { group points { t count avg p95 } } }'],
  ])('lets %s through', (_name, query) => {
    expect(refusal(query)).toBeNull();
  });

  it.each([
    ['500 anomalies with their incidents', '{ anomalies(first: 500) { edges { node { id metric series at value score incident { id status severity summary } } } } }', 'complexity'],
    ['the same through a variable', 'query($n: Int) { anomalies(first: $n) { edges { node { id metric series at value score incident { id status severity summary } } } } }', 'complexity'],
    ['101 aliased series', `{ ${Array.from({ length: 101 }, (_, i) => `s${i}: series(metric: "m", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { group }`).join(' ')} }`, 'complexity'],
  ])('refuses %s by %s', (_name, query, limit) => {
    expect(refusal(query, { n: 500 })).toMatchObject({ code: 'BAD_USER_INPUT', [limit]: expect.any(Number) });
  });

  it('refuses nesting deeper than the limit', () => {
    const deep = `{ ...F0 } ${Array.from({ length: 9 }, (_, i) => `fragment F${i} on Query { a${i}: anomalies(first: 1) { edges { node { id } } } ${i < 8 ? `...F${i + 1}` : ''} }`).join(' ')}`;
    expect(refusal(deep)).toBeNull();
    expect(refusal('{ anomalies(first: 1) { edges { node { incident { id } } } } }')).toBeNull();
    expect(checkQueryLimits({ ...defaults, maxDepth: 4 }, schema, parse('{ anomalies(first: 1) { edges { node { incident { id } } } } }'), undefined, {})?.extensions).toMatchObject({ depth: 5, maxDepth: 4 });
  });
});
