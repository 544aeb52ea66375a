/**
 * The error codes clients branch on (GraphQL `extensions.code`). Every failure a client can cause
 * is one of these; anything else is reported as INTERNAL_SERVER_ERROR without details.
 */
export const API_ERROR_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND'] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Safe, client-facing facts (limits, offending argument); never SQL or internals. */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badUserInput = (message: string, details: Record<string, unknown> = {}) => new ApiError('BAD_USER_INPUT', message, details);
export const notFound = (message: string, details: Record<string, unknown> = {}) => new ApiError('NOT_FOUND', message, details);
