import { TelemetryError } from '@telemetry/contracts';

export type IngestErrorCode =
  | 'malformed_body'
  | 'unauthorized'
  | 'payload_too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable';

const STATUS_BY_CODE: Record<IngestErrorCode, number> = {
  malformed_body: 400,
  unauthorized: 401,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
};

/** A request refused as a whole: the HTTP status follows from the code; nothing of it was produced. */
export class IngestRequestError extends TelemetryError<IngestErrorCode> {
  readonly statusCode: number;
  constructor(
    code: IngestErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, code === 'rate_limited' || code === 'unavailable', options);
    this.statusCode = STATUS_BY_CODE[code];
  }
}
