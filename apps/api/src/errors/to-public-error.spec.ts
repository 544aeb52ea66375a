import { CatalogValidationError } from '@telemetry/catalog';
import { InvalidConsentError, MetricNotFoundError, SourceNameTakenError, SourceNotFoundError } from '@telemetry/admin';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error';
import { toPublicError } from './to-public-error';

const inResolver: GraphQLFormattedError = { message: 'whatever the error said', path: ['series'], locations: [{ line: 1, column: 3 }] };

describe('toPublicError', () => {
  it.each([
    ['an ApiError keeps its code and facts', new ApiError('FORBIDDEN', 'needs admin', { field: 'x' }), 'FORBIDDEN', 'needs admin'],
    ['a catalog validation error is BAD_USER_INPUT', new CatalogValidationError([{ metric: 'a.b', field: 'owner', line: null, message: 'is required' }]), 'BAD_USER_INPUT', 'the metric definition is invalid'],
    ['an unknown metric is NOT_FOUND', new MetricNotFoundError('a.b'), 'NOT_FOUND', 'metric "a.b" is not defined'],
    ['a taken source name is BAD_USER_INPUT', new SourceNameTakenError('web'), 'BAD_USER_INPUT', 'a source named "web" already exists'],
    ['an unknown source is NOT_FOUND', new SourceNotFoundError('s1'), 'NOT_FOUND', 'no source with id "s1"'],
    ['invalid consent is BAD_USER_INPUT', new InvalidConsentError('at least one purpose is required'), 'BAD_USER_INPUT', 'at least one purpose is required'],
  ])('%s', (_name, error, code, message) => {
    const result = toPublicError(inResolver, error);
    expect(result.error).toMatchObject({ message, path: ['series'], extensions: { code } });
    expect(result.unexpected).toBeUndefined();
  });

  it.each([
    ['a driver error', Object.assign(new Error('relation "rollups_1m" does not exist'), { code: '42P01', query: 'SELECT * FROM rollups_1m' })],
    ['a TypeError', new TypeError("Cannot read properties of undefined (reading 'x')")],
    ['a thrown string', 'boom'],
  ])('hides %s behind INTERNAL_SERVER_ERROR and hands it back for logging', (_name, error) => {
    const result = toPublicError({ ...inResolver, extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['at x (file.ts:1:1)'] } }, error);
    expect(result.error).toEqual({ message: 'Internal server error', path: ['series'], locations: [{ line: 1, column: 3 }], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(result.unexpected).toBe(error);
  });

  it.each([
    ['GRAPHQL_PARSE_FAILED', 'Syntax Error: Expected Name, found <EOF>.'],
    ['GRAPHQL_VALIDATION_FAILED', 'Cannot query field "password" on type "Metric".'],
    ['BAD_USER_INPUT', 'Variable "$from" got invalid value "yesterday".'],
  ])('passes the request error %s through without its stack trace', (code, message) => {
    const result = toPublicError({ message, extensions: { code, stacktrace: ['GraphQLError: …', '    at parse (graphql/language/parser.js:1:1)'], depth: 9 } }, undefined);
    expect(result.error).toEqual({ message, extensions: { code, depth: 9 } });
    expect(result.unexpected).toBeUndefined();
  });

  it('passes a 4xx refusal Apollo raised without a code as BAD_REQUEST', () => {
    const original = new GraphQLError('provided sha does not match query', { extensions: { http: { status: 400 } } });
    const result = toPublicError({ message: original.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } }, original);
    expect(result.error).toEqual({ message: 'provided sha does not match query', extensions: { code: 'BAD_REQUEST' } });
    expect(result.unexpected).toBeUndefined();
  });

  it('does not trust a request-error code on an error raised while resolving', () => {
    const result = toPublicError({ ...inResolver, extensions: { code: 'BAD_USER_INPUT' } }, new Error('duplicate key value violates unique constraint "x"'));
    expect(result.error.extensions?.['code']).toBe('INTERNAL_SERVER_ERROR');
  });
});
