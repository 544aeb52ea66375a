import type { IngestErrorCode } from '../http/ingest-request-error';
import type { OtlpMapping } from './map-otlp-metrics';
import { encodeExportMetricsResponse, encodeRpcStatus, type ExportMetricsServiceResponse } from './otlp-protobuf';

export type OtlpEncoding = 'json' | 'protobuf';

export interface EncodedResponse {
  contentType: string;
  body: string | Buffer;
}

const CONTENT_TYPE: Record<OtlpEncoding, string> = { json: 'application/json', protobuf: 'application/x-protobuf' };

const exportResponse = (mapping: OtlpMapping): ExportMetricsServiceResponse => {
  if (mapping.rejectedDataPoints === 0) return {};
  const more = mapping.rejectedDataPoints - mapping.reasons.length;
  const errorMessage = mapping.reasons.join('; ') + (more > 0 ? `; and ${more} more` : '');
  return { partialSuccess: { rejectedDataPoints: mapping.rejectedDataPoints, errorMessage } };
};

/** OTLP success (HTTP 200), with partial_success when some data points were rejected, in the request's encoding. */
export const encodeOtlpSuccess = (mapping: OtlpMapping, encoding: OtlpEncoding): EncodedResponse => {
  const response = exportResponse(mapping);
  if (encoding === 'protobuf') {
    return { contentType: CONTENT_TYPE.protobuf, body: Buffer.from(encodeExportMetricsResponse(response)) };
  }
  // ProtoJSON writes int64 as a string.
  const json = response.partialSuccess
    ? { partialSuccess: { rejectedDataPoints: String(response.partialSuccess.rejectedDataPoints), errorMessage: response.partialSuccess.errorMessage } }
    : {};
  return { contentType: CONTENT_TYPE.json, body: JSON.stringify(json) };
};

/** gRPC status codes OTLP maps HTTP failures to (google.rpc.Code). */
const RPC_CODE: Record<IngestErrorCode, number> = {
  malformed_body: 3, // INVALID_ARGUMENT
  unsupported_media_type: 3,
  payload_too_large: 3,
  unauthorized: 16, // UNAUTHENTICATED
  rate_limited: 8, // RESOURCE_EXHAUSTED
  unavailable: 14, // UNAVAILABLE
};

export const encodeOtlpError = (code: IngestErrorCode, message: string, encoding: OtlpEncoding): EncodedResponse =>
  encoding === 'protobuf'
    ? { contentType: CONTENT_TYPE.protobuf, body: Buffer.from(encodeRpcStatus(RPC_CODE[code], message)) }
    : { contentType: CONTENT_TYPE.json, body: JSON.stringify({ code: RPC_CODE[code], message }) };
