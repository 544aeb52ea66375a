import { CatalogValidationError, formatCatalogIssue } from '@telemetry/catalog';
import { ApiTokenInputError, InvalidConsentError, InvalidSourceNameError, MetricNotFoundError, SourceNameTakenError, SourceNotFoundError } from '@telemetry/admin';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { ApiError } from './api-error';

/** Codes graphql-js and Apollo give to requests that never reached a resolver: safe to show as they are. */
const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

export interface PublicErrorResult {
  readonly error: GraphQLFormattedError;
  /** Set when the error was unexpected: log it (with the original), once, where it is handled. */
  readonly unexpected: unknown;
}

const withCode = (formatted: GraphQLFormattedError, message: string, code: string, details: Record<string, unknown> = {}): GraphQLFormattedError => ({
  message,
  ...(formatted.locations ? { locations: formatted.locations } : {}),
  ...(formatted.path ? { path: formatted.path } : {}),
  extensions: { ...details, code },
});

/** Apollo refuses some requests with a 4xx status but no code (e.g. "provided sha does not match query"). */
const isCodelessClientError = (error: unknown): boolean => {
  const status = error instanceof GraphQLError ? (error.extensions['http'] as { status?: unknown } | undefined)?.status : undefined;
  return error instanceof GraphQLError && error.extensions['code'] === undefined && typeof status === 'number' && status >= 400 && status < 500;
};

/** A domain error from the libs the API calls, as an ApiError; undefined when it is not one. */
const translateDomainError = (error: unknown): ApiError | undefined => {
  if (error instanceof ApiError) return error;
  if (error instanceof CatalogValidationError) {
    return new ApiError('BAD_USER_INPUT', 'the metric definition is invalid', {
      issues: error.issues.map((issue) => ({ metric: issue.metric, field: issue.field, message: issue.message, text: formatCatalogIssue(issue, 'input') })),
    });
  }
  if (error instanceof MetricNotFoundError) return new ApiError('NOT_FOUND', error.message, { metric: error.metric });
  if (error instanceof ApiTokenInputError || error instanceof SourceNameTakenError || error instanceof InvalidSourceNameError || error instanceof InvalidConsentError) {
    return new ApiError('BAD_USER_INPUT', error.message);
  }
  if (error instanceof SourceNotFoundError) return new ApiError('NOT_FOUND', error.message);
  return undefined;
};

/**
 * The one place errors become what clients see (Apollo's formatError and the graphql-ws results):
 * known errors keep their message and get a code; request errors (parse, validation, variable
 * coercion) pass through; everything else becomes "Internal server error", so no stack trace, SQL
 * or driver message ever leaves the process.
 */
export const toPublicError = (formatted: GraphQLFormattedError, original: unknown): PublicErrorResult => {
  const translated = translateDomainError(original);
  if (translated) return { error: withCode(formatted, translated.message, translated.code, translated.details), unexpected: undefined };
  const code = formatted.extensions?.['code'];
  // Execution errors carry a path; parse, validation and variable errors never do.
  const beforeExecution = formatted.path === undefined;
  if (beforeExecution && typeof code === 'string' && REQUEST_ERROR_CODES.has(code)) {
    const { stacktrace: _stacktrace, http: _http, exception: _exception, ...facts } = formatted.extensions ?? {};
    return { error: withCode(formatted, formatted.message, code, facts), unexpected: undefined };
  }
  if (beforeExecution && isCodelessClientError(original)) return { error: withCode(formatted, formatted.message, 'BAD_REQUEST'), unexpected: undefined };
  return { error: withCode(formatted, 'Internal server error', 'INTERNAL_SERVER_ERROR'), unexpected: original ?? formatted };
};
