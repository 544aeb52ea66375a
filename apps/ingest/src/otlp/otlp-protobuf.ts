import { Writer } from 'protobufjs/minimal';
// The official opentelemetry-proto definitions, compiled by the OpenTelemetry JS maintainers with
// protobufjs and published in @opentelemetry/otlp-transformer (installed under this alias at the
// last version that ships its generated root; newer versions only encode, they cannot decode requests).
import generatedRoot from 'otlp-transformer-protobuf/build/src/generated/root';
import type { OtlpMetricsRequest } from './otlp-metrics-request';

interface GeneratedMessageType<T> {
  decode(reader: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
}

interface MetricsServiceTypes {
  ExportMetricsServiceRequest: GeneratedMessageType<OtlpMetricsRequest>;
  ExportMetricsServiceResponse: GeneratedMessageType<ExportMetricsServiceResponse>;
}

export interface ExportMetricsServiceResponse {
  partialSuccess?: { rejectedDataPoints: number; errorMessage: string };
}

const metricsService = (generatedRoot as unknown as { opentelemetry: { proto: { collector: { metrics: { v1: MetricsServiceTypes } } } } })
  .opentelemetry.proto.collector.metrics.v1;

/** Throws on bytes that are not an ExportMetricsServiceRequest (the caller answers 400). */
export const decodeExportMetricsRequest = (body: Uint8Array): OtlpMetricsRequest =>
  metricsService.ExportMetricsServiceRequest.decode(body);

export const encodeExportMetricsResponse = (response: ExportMetricsServiceResponse): Uint8Array =>
  metricsService.ExportMetricsServiceResponse.encode(response).finish();

/**
 * google.rpc.Status {int32 code = 1; string message = 2;} — the body OTLP/HTTP prescribes for
 * errors. The generated root does not include google/rpc/status.proto; two scalar fields are
 * written with protobufjs's own writer.
 */
export const encodeRpcStatus = (code: number, message: string): Uint8Array =>
  Writer.create().uint32((1 << 3) | 0).int32(code).uint32((2 << 3) | 2).string(message).finish();
