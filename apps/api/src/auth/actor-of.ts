import type { GraphqlContext } from './graphql-context';

/** The audit actor of the caller. The guard has already refused anonymous callers; this states it for the type checker. */
export const actorOf = (context: GraphqlContext): string => {
  if (context.principal === null) throw new Error('resolver reached without a principal');
  return context.principal.actor;
};
