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

/**
 * Executes queries and mutations with graphql-jit: each operation is compiled once into a function
 * (cached per parsed document, which Apollo itself caches per query text) and runs several times
 * faster than graphql-js walking the answer field by field. Parsing, validation, the query limits,
 * plugins and error formatting stay Apollo's; subscriptions go through graphql-ws and graphql-js.
 */
export const jitExecutor = (schema: GraphQLSchema): GatewayExecutor => {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery>>();
  const compiledFor = (document: DocumentNode, operationName: string | null) => {
    let byName = compiled.get(document);
    if (byName === undefined) {
      byName = new Map();
      compiled.set(document, byName);
    }
    const key = operationName ?? '';
    const known = byName.get(key);
    if (known !== undefined) return known;
    const result = compileQuery(schema, document, operationName ?? undefined);
    if (!isCompiledQuery(result)) return result;
    byName.set(key, result);
    return result;
  };
  return async (request) => {
    if (request.operation.operation === 'subscription') {
      // Not served over HTTP; graphql-js gives the same answer it always has.
      return execute({ schema, document: request.document, contextValue: request.context, variableValues: request.request.variables, operationName: request.operationName });
    }
    const query = compiledFor(request.document, request.operationName);
    if (!isCompiledQuery(query)) return query;
    const result = await query.query(undefined, request.context, request.request.variables ?? {});
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
