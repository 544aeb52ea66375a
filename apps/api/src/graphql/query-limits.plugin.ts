import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator } from 'graphql-query-complexity';
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
 */
export const checkQueryLimits = (
  limits: QueryLimits,
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | undefined,
): GraphQLError | null => {
  const depth = queryDepth(document, operationName);
  if (depth > limits.maxDepth) return refuse(`query depth ${depth} exceeds the limit of ${limits.maxDepth}`, { depth, maxDepth: limits.maxDepth });
  const complexity = getComplexity({
    schema,
    query: document,
    operationName: operationName ?? undefined,
    variables,
    estimators: [fieldExtensionsEstimator(), simpleEstimator({ defaultComplexity: 1 })],
  });
  if (complexity > limits.maxComplexity) {
    return refuse(`query complexity ${complexity} exceeds the limit of ${limits.maxComplexity}`, { complexity, maxComplexity: limits.maxComplexity });
  }
  return null;
};

export const queryLimitsPlugin = (limits: QueryLimits): ApolloServerPlugin => ({
  requestDidStart: async () => ({
    didResolveOperation: async ({ schema, document, request }) => {
      const refusal = checkQueryLimits(limits, schema, document, request.operationName, request.variables);
      if (refusal) throw refusal;
    },
  }),
});
