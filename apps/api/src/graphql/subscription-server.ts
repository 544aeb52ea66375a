import type { GraphQLWsSubscriptionsConfig } from '@nestjs/graphql';
import { GraphQLError, parse, type DocumentNode, type GraphQLFormattedError } from 'graphql';
import type { AuthService } from '../auth/auth.service';
import { queryDepth } from './query-depth';
import type { QueryLimits } from './query-limits.plugin';

interface SubscriptionServerDeps {
  readonly auth: AuthService;
  readonly limits: QueryLimits;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
}

const parseOrUndefined = (query: string): DocumentNode | undefined => {
  try {
    return parse(query);
  } catch (error) {
    // graphql-ws parses again and reports the syntax error to the client itself.
    if (error instanceof GraphQLError) return undefined;
    throw error;
  }
};

/**
 * graphql-ws rules, the same as over HTTP: the connection must present a valid bearer token in
 * connectionParams.authorization (else it is closed with 4403 before any operation); operations
 * nesting deeper than the limit are refused; results' errors pass through the same formatter.
 */
export const subscriptionServerOptions = (deps: SubscriptionServerDeps): GraphQLWsSubscriptionsConfig => ({
  onConnect: async (ctx) => {
    const params = ctx.connectionParams ?? {};
    const principal = await deps.auth.authenticate(params['authorization'] ?? params['Authorization']);
    return principal !== null;
  },
  onSubscribe: (_ctx, _id, payload) => {
    const document = parseOrUndefined(payload.query);
    if (document === undefined) return undefined;
    const depth = queryDepth(document, payload.operationName);
    if (depth > deps.limits.maxDepth) {
      return [new GraphQLError(`query depth ${depth} exceeds the limit of ${deps.limits.maxDepth}`, {
        extensions: { code: 'BAD_USER_INPUT', depth, maxDepth: deps.limits.maxDepth },
      })];
    }
    return undefined;
  },
  onNext: (_ctx, _id, _payload, _args, result) => {
    if (!result.errors || result.errors.length === 0) return undefined;
    return { ...result, errors: result.errors.map((error) => deps.formatError(error.toJSON(), error)) };
  },
});
