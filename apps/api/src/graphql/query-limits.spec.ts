import { getIntrospectionQuery, getOperationAST, parse, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiConfigSchema } from '../config';
import { buildApiSchema } from './build-api-schema';
import { checkQueryLimits, refuseUnrunnable } from './query-limits.plugin';

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

describe('checkQueryLimits on operations that cannot run', () => {
  it.each([
    ['a variable of the wrong type', 'query($n: Int) { anomalies(first: $n) { edges { cursor } } }', { n: 'ten' }],
    ['a missing required variable', 'query($from: DateTime!) { series(metric: "m", from: $from, to: "2026-01-02T00:00:00Z") { group } }', {}],
    ['an unknown enum value in an input object', 'query($w: [AttributeFilter!]) { series(metric: "m", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", where: $w) { group } }', { w: [{ key: 'a', op: 'LIKE', value: 'b' }] }],
  ])('leaves %s to Apollo (which refuses it as BAD_USER_INPUT) instead of throwing', (_name, query, variables) => {
    expect(refusal(query, variables)).toBeNull();
  });

  it('leaves an unknown operation name to Apollo', () => {
    expect(checkQueryLimits(defaults, schema, parse('{ metrics { name } }'), 'Nope', {})).toBeNull();
  });

  it('refuses a query with more nodes than the complexity library walks, with its reason', () => {
    const aliases = Array.from({ length: 3_000 }, (_, i) => `a${i}: anomalies(first: 500) { edges { node { id metric value } } }`).join(' ');
    expect(checkQueryLimits(defaults, schema, parse(`{ ${aliases} }`), undefined, {})?.message).toMatch(/maximum allowed number of nodes|complexity/);
  });
});

describe('refuseUnrunnable', () => {
  const refusalOf = (query: string, operationName: string | undefined, variables: Record<string, unknown> = {}) => {
    const error = refuseUnrunnable(schema, getOperationAST(parse(query), operationName) ?? undefined, operationName, variables);
    return error && { message: error.message, code: error.extensions['code'] };
  };

  it.each([
    ['an unknown operation name', '{ metrics { name } }', 'Nope', {}, 'OPERATION_RESOLUTION_FAILURE', 'Unknown operation named "Nope".'],
    ['two operations and no name', 'query A { metrics { name } } query B { metrics { name } }', undefined, {}, 'OPERATION_RESOLUTION_FAILURE', 'Must provide operation name'],
    ['a subscription over HTTP', 'subscription { anomalyDetected { id } }', undefined, {}, 'BAD_REQUEST', 'graphql-ws'],
    ['a variable of the wrong type', 'query($n: Int) { anomalies(first: $n) { edges { cursor } } }', undefined, { n: 'ten' }, 'BAD_USER_INPUT', 'Variable "$n" got invalid value "ten"'],
    ['a missing required variable', 'query($from: DateTime!) { series(metric: "m", from: $from, to: "2026-01-02T00:00:00Z") { group } }', undefined, {}, 'BAD_USER_INPUT', 'was not provided'],
  ])('refuses %s with its reason', (_name, query, operationName, variables, code, message) => {
    expect(refusalOf(query, operationName, variables)).toMatchObject({ code, message: expect.stringContaining(message) });
  });

  it('lets a runnable query through', () => {
    expect(refusalOf('query($n: Int) { anomalies(first: $n) { edges { cursor } } }', undefined, { n: 5 })).toBeNull();
  });
});
