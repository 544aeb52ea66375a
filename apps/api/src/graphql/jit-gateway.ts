import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import { execute, GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;
type SchemaListener = Parameters<GatewayInterface['onSchemaLoadOrUpdate']>[0];

/**
 * Types whose objects the resolvers build complete, as plain data: their fields read a property and
 * nothing else. @nestjs/graphql still gives every field a resolver function; without it graphql-jit
 * inlines the property read. A `series` answer is up to 100,000 of these objects.
 */
export const PLAIN_DATA_TYPES = ['Series', 'SeriesPoint'] as const;

const usePropertyReads = (schema: GraphQLSchema): void => {
  for (const name of PLAIN_DATA_TYPES) {
    const type = schema.getType(name);
    if (!type || !('getFields' in type)) throw new Error(`jit gateway: ${name} is not an object type of the schema`);
    for (const field of Object.values(type.getFields())) {
      if ('resolve' in field) field.resolve = undefined;
    }
  }
};

/**
 * graphql-jit's errors leave `extensions` undefined when the original error has none, where Apollo
 * (and graphql-js) expect an object: the same error rebuilt as graphql-js builds it.
 */
const asGraphqlJsError = (error: GraphQLError): GraphQLError => {
  const rebuilt = new GraphQLError(error.message, { path: error.path, originalError: error.originalError ?? undefined, extensions: error.extensions ?? undefined });
  if (error.locations) Object.defineProperty(rebuilt, 'locations', { value: error.locations, enumerable: true, writable: true, configurable: true });
  return rebuilt;
};

/** A document run once so far: compiling costs about a millisecond, more than running a one-off query. */
const SEEN_ONCE = Symbol('seen once');

/**
 * Executes queries and mutations with graphql-jit: an operation run a second time is compiled into a
 * function (cached per parsed document, which Apollo itself caches per query text) that runs several
 * times faster than graphql-js walking the answer field by field; the first run, and subscriptions
 * (which go through graphql-ws anyway), use graphql-js. Parsing, validation, the query limits,
 * plugins and error formatting stay Apollo's.
 */
export const jitExecutor = (schema: GraphQLSchema): GatewayExecutor => {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | typeof SEEN_ONCE>>();
  return async (request) => {
    const { document, operationName, context } = request;
    const variables = request.request.variables ?? {};
    let byName = compiled.get(document);
    if (byName === undefined) {
      byName = new Map();
      compiled.set(document, byName);
    }
    const key = operationName ?? '';
    let query = byName.get(key);
    if (query === undefined || request.operation.operation === 'subscription') {
      byName.set(key, SEEN_ONCE);
      return execute({ schema, document, contextValue: context, variableValues: variables, operationName });
    }
    if (query === SEEN_ONCE) {
      const result = compileQuery(schema, document, operationName ?? undefined);
      if (!isCompiledQuery(result)) return result;
      query = result;
      byName.set(key, query);
    }
    const result = await query.query(undefined, context, variables);
    return result.errors ? { ...result, errors: result.errors.map(asGraphqlJsError) } : result;
  };
};

/**
 * Apollo's hook for a custom executor is the gateway interface: this one serves the schema NestJS
 * built (read when Apollo starts, after NestJS has built it) and executes with jitExecutor.
 */
export const jitGateway = (schemaOf: () => GraphQLSchema | undefined): GatewayInterface => {
  let listener: SchemaListener | undefined;
  return {
    onSchemaLoadOrUpdate: (callback) => {
      listener = callback;
      return () => {
        listener = undefined;
      };
    },
    load: async () => {
      const schema = schemaOf();
      if (!schema) throw new Error('jit gateway: Apollo started before NestJS built the schema');
      usePropertyReads(schema);
      listener?.({ apiSchema: schema, coreSupergraphSdl: '' });
      return { executor: jitExecutor(schema) };
    },
    stop: async () => {},
  };
};
