import { Reader } from 'protobufjs/minimal';
import type { RawAnswer, RawRequest } from './send-raw-request';

/**
 * What a correct answer to a hostile request looks like:
 * - refused: a 4xx whose body says why;
 * - eventsRejected: 202 {"accepted": 0, "rejected": [one reason per event]} (a well-formed batch of invalid events);
 * - pointsRejected: OTLP 200 with partial_success rejecting every data point, with a message;
 * - graphqlError: GraphQL errors, each with a message and a code, none of them internal;
 * - graphqlEmpty: GraphQL data without a single row (a hostile string matched nothing, changed nothing).
 */
export type Expectation = 'refused' | 'eventsRejected' | 'pointsRejected' | 'graphqlError' | 'graphqlEmpty';

export interface HostileRequest extends RawRequest {
  target: 'events' | 'metrics' | 'graphql';
  /** A short name of the attack, for the report. */
  kind: string;
  expect: Expectation;
  /** Events (eventsRejected) or OTLP data points (pointsRejected) in the body. */
  count?: number;
}

/**
 * What only a server's insides produce, never a reason written for a client: stack frames, source
 * paths, PostgreSQL's own error texts. (The hostile inputs never contain these phrases, so an echo
 * of the input in a reason cannot trip them.)
 */
const LEAKS = [
  /\n\s+at /,
  /\bat [\w$.<>]+ \((\/|node:)/,
  /node_modules/,
  /\.[jt]s:\d+:\d+/,
  /syntax error at or near/i,
  /invalid byte sequence/i,
  /violates [a-z ]*constraint/i,
  /duplicate key value/i,
  /unsupported Unicode escape/i,
  /current transaction is aborted/i,
  /Internal server error/i,
  /stacktrace/i,
];

const leakIn = (text: string): string | undefined => LEAKS.find((pattern) => pattern.test(text))?.source;

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
};

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const hasText = (value: unknown): boolean => typeof value === 'string' && value.trim().length > 0;

/** google.rpc.Status {int32 code = 1; string message = 2;}: the message, or undefined. */
const rpcStatusMessage = (body: Buffer): string | undefined => {
  try {
    const reader = Reader.create(body);
    let message: string | undefined;
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 === 2 && (tag & 7) === 2) message = reader.string();
      else reader.skipType(tag & 7);
    }
    return message;
  } catch {
    return undefined;
  }
};

/** ExportMetricsServiceResponse {partial_success = 1 {int64 rejected_data_points = 1; string error_message = 2}}. */
const otlpPartialSuccess = (body: Buffer): { rejected: number; message: string } | undefined => {
  try {
    const reader = Reader.create(body);
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      if (tag >>> 3 !== 1 || (tag & 7) !== 2) {
        reader.skipType(tag & 7);
        continue;
      }
      const inner = Reader.create(reader.bytes());
      const partial = { rejected: 0, message: '' };
      while (inner.pos < inner.len) {
        const field = inner.uint32();
        if (field >>> 3 === 1 && (field & 7) === 0) partial.rejected = Number(inner.int64());
        else if (field >>> 3 === 2 && (field & 7) === 2) partial.message = inner.string();
        else inner.skipType(field & 7);
      }
      return partial;
    }
    return undefined;
  } catch {
    return undefined;
  }
};

/** The reason a refused request was given, or undefined when the body gives none. */
const refusalReason = (request: HostileRequest, answer: Extract<RawAnswer, { kind: 'answer' }>): string | undefined => {
  if (request.target === 'metrics' && answer.contentType.startsWith('application/x-protobuf')) return rpcStatusMessage(answer.body);
  const body = parseJson(answer.body);
  if (!isObject(body)) return undefined;
  // ingest: {"error","code"}; OTLP/JSON: {"code","message"}; Fastify: {"statusCode","error","message"}; GraphQL: {"errors":[…]}.
  for (const field of ['message', 'error']) if (hasText(body[field])) return String(body[field]);
  const errors = body['errors'];
  if (Array.isArray(errors) && errors.length > 0 && errors.every((error) => isObject(error) && hasText(error['message']))) {
    return errors.map((error) => String((error as Record<string, unknown>)['message'])).join('; ');
  }
  return undefined;
};

const checkGraphqlErrors = (body: unknown): string | undefined => {
  if (!isObject(body)) return 'the body is not a JSON object';
  const errors = body['errors'];
  if (!Array.isArray(errors) || errors.length === 0) {
    // Fastify's own refusals (413, malformed JSON) carry a message instead.
    return hasText(body['message']) ? undefined : 'no errors and no message';
  }
  for (const error of errors) {
    if (!isObject(error) || !hasText(error['message'])) return 'an error without a message';
    const extensions = isObject(error['extensions']) ? error['extensions'] : {};
    if (!hasText(extensions['code'])) return `an error without a code: ${String(error['message'])}`;
    if (extensions['code'] === 'INTERNAL_SERVER_ERROR') return 'an internal error (the GraphQL form of a 500)';
    if ('stacktrace' in extensions || 'exception' in extensions) return 'an error with a stack trace';
  }
  return undefined;
};

/** True when every field of `data` is null, an empty list or an empty connection. */
const isEmptyData = (data: unknown): boolean =>
  isObject(data) &&
  Object.values(data).every(
    (value) => value === null || (Array.isArray(value) && value.length === 0) || (isObject(value) && Array.isArray(value['edges']) && value['edges'].length === 0),
  );

/** Why the answer breaks the contract for this request, or undefined when it is right. */
export const judgeAnswer = (request: HostileRequest, answer: RawAnswer): string | undefined => {
  if (answer.kind === 'failure') return answer.reason;
  const { status } = answer;
  if (status >= 500) return `answered ${status}`;
  const text = answer.body.toString('utf8');
  const leak = leakIn(text);
  if (leak) return `the answer leaks internals (${leak})`;
  const body = parseJson(answer.body);
  switch (request.expect) {
    case 'refused':
      if (status < 400) return `expected a 4xx refusal, got ${status}`;
      return refusalReason(request, answer) === undefined ? `${status} without a reason` : undefined;
    case 'eventsRejected': {
      if (status >= 400) return `expected 202 with per-event reasons, got ${status}`;
      if (status !== 202 || !isObject(body)) return `expected 202 with a JSON body, got ${status}`;
      const rejected = body['rejected'];
      if (body['accepted'] !== 0) return `${String(body['accepted'])} hostile events accepted`;
      if (!Array.isArray(rejected) || rejected.length !== request.count) return `expected ${request.count} rejections, got ${JSON.stringify(rejected)?.slice(0, 200)}`;
      return rejected.every((item) => isObject(item) && hasText(item['reason'])) ? undefined : 'a rejection without a reason';
    }
    case 'pointsRejected': {
      if (status !== 200) return `expected OTLP 200 with partial_success, got ${status}`;
      const partial = answer.contentType.startsWith('application/x-protobuf')
        ? otlpPartialSuccess(answer.body)
        : isObject(body) && isObject(body['partialSuccess'])
          ? { rejected: Number(body['partialSuccess']['rejectedDataPoints']), message: body['partialSuccess']['errorMessage'] }
          : undefined;
      if (!partial || partial.rejected !== request.count) return `expected ${request.count} rejected data points, got ${JSON.stringify(partial)}`;
      return hasText(partial.message) ? undefined : 'partial_success without an error message';
    }
    case 'graphqlError':
      if (status !== 200 && (status < 400 || status >= 500)) return `unexpected status ${status}`;
      return checkGraphqlErrors(body);
    case 'graphqlEmpty': {
      if (status !== 200 || !isObject(body)) return `expected 200 with data, got ${status}`;
      if (body['errors'] !== undefined) return checkGraphqlErrors(body);
      return isEmptyData(body['data']) ? undefined : `a hostile argument matched rows: ${text.slice(0, 200)}`;
    }
  }
};
