import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, getOperationAST, getVariableValues, Kind, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
import { findNulCharacter } from './find-nul-character';
import { queryDepth } from './query-depth';

export interface QueryLimits {
  readonly maxDepth: number;
  readonly maxComplexity: number;
}

const refuse = (message: string, details: Record<string, number>) =>
  new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...details, http: { status: 400 } } });

/**
 * Refuses an operation before any resolver runs when it nests deeper than maxDepth or its
 * estimated cost exceeds maxComplexity (each field costs 1; fields with a `complexity` in the
 * schema, e.g. connections multiplying by `first`, cost what they declare). Returns the error, or null.
 * An operation that cannot run anyway (unknown operation name, variables of the wrong type) is left
 * to Apollo, which refuses it with its own reason.
 */
export const checkQueryLimits = (
  limits: QueryLimits,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): GraphQLError | null => {
  const operation = getOperationAST(document, operationName);
  if (!operation) return null;
  const depth = queryDepth(document, operationName);
  if (depth > limits.maxDepth) return refuse(`query depth ${depth} exceeds the limit of ${limits.maxDepth}`, { depth, maxDepth: limits.maxDepth });
  // graphql-query-complexity coerces the variables itself and throws when they do not fit.
  if ('errors' in getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {})) return null;
  let complexity: number;
  try {
    complexity = getComplexity({
      schema,
      // Only the chosen operation (and the fragments): the library cannot pick an anonymous one by name.
      query: { kind: Kind.DOCUMENT, definitions: document.definitions.filter((definition) => definition.kind !== Kind.OPERATION_DEFINITION || definition === operation) },
      variables,
      estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch (error) {
    // Its own refusals, e.g. "Query exceeds the maximum allowed number of nodes."
    if (error instanceof GraphQLError) return refuse(error.message, {});
    throw error;
  }
  if (complexity > limits.maxComplexity) {
    return refuse(`query complexity ${complexity} exceeds the limit of ${limits.maxComplexity}`, { complexity, maxComplexity: limits.maxComplexity });
  }
  return null;
};

/**
 * An HTTP request that cannot run, refused with its reason before it reaches the executor (which
 * need not know how to report these): no operation of that name, variables that do not fit their
 * types, a subscription (served over graphql-ws only; over HTTP its field would resolve once, to null).
 */
export const refuseUnrunnable = (
  schema: GraphQLSchema,
  operation: OperationDefinitionNode | undefined,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): GraphQLError | null => {
  if (!operation) {
    const message = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
    return new GraphQLError(message, { extensions: { code: 'OPERATION_RESOLUTION_FAILURE', http: { status: 400 } } });
  }
  if (operation.operation === 'subscription') {
    return new GraphQLError('subscriptions are served over graphql-ws on /graphql (protocol graphql-transport-ws), not over HTTP', {
      extensions: { code: 'BAD_REQUEST', http: { status: 400 } },
    });
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  const first = coerced.errors?.[0];
  return first ? new GraphQLError(first.message, { nodes: first.nodes, extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } } }) : null;
};

/** The Apollo (HTTP) side of the limits, plus what HTTP cannot serve: see refuseUnrunnable, and NUL in string arguments. */
export const queryLimitsPlugin = (limits: QueryLimits): ApolloServerPlugin => ({
  requestDidStart: async () => ({
    didResolveOperation: async ({ schema, document, operation, request }) => {
      const unrunnable = refuseUnrunnable(schema, operation, request.operationName, request.variables);
      if (unrunnable) throw unrunnable;
      const nul = findNulCharacter(document, request.variables);
      if (nul) throw refuse(`${nul} contains NUL (U+0000), which PostgreSQL text cannot hold`, {});
      const refusal = checkQueryLimits(limits, schema, document, request.operationName, request.variables);
      if (refusal) throw refusal;
    },
  }),
});
