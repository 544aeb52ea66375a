/**
 * The dashboard's only way to the server: GraphQL over HTTP (POST /graphql on the page's own
 * origin, where apps/api serves this app) with the signed-in bearer token.
 */

export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'NETWORK' | 'INTERNAL' | (string & {});

/** A failed operation: `code` is the API's extensions.code (or NETWORK when there was no answer). */
export class GraphqlError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GraphqlError';
  }
}

interface GraphqlResponse<T> {
  data?: T | null;
  errors?: ReadonlyArray<{ message: string; extensions?: { code?: string } }>;
}

export const graphqlEndpoint = (): string => `${window.location.origin}/graphql`;

export const graphqlWsEndpoint = (): string => graphqlEndpoint().replace(/^http/, 'ws');

export type Variables = Record<string, unknown>;

/** Runs one operation; the first GraphQL error becomes a GraphqlError carrying its code. */
export const request = async <T>(token: string, query: string, variables: Variables = {}): Promise<T> => {
  let response: Response;
  try {
    response = await fetch(graphqlEndpoint(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new GraphqlError('NETWORK', `the API did not answer (${error instanceof Error ? error.message : String(error)})`);
  }
  let body: GraphqlResponse<T>;
  try {
    body = (await response.json()) as GraphqlResponse<T>;
  } catch (error) {
    throw new GraphqlError('NETWORK', `the API answered ${response.status} without JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  const first = body.errors?.[0];
  if (first) throw new GraphqlError(first.extensions?.code ?? 'INTERNAL', first.message);
  if (body.data === undefined || body.data === null) throw new GraphqlError('INTERNAL', `the API answered ${response.status} without data`);
  return body.data;
};

export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error));
