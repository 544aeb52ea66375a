/**
 * Unexpected failures are typed errors with a code (STYLE.md §5). `retriable` tells a consumer
 * whether to retry the batch (throw) or whether the failure is permanent.
 */
export class TelemetryError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly retriable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class KafkaUnavailableError extends TelemetryError<'kafka_unavailable'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('kafka_unavailable', message, true, options);
  }
}

export class DatabaseUnavailableError extends TelemetryError<'database_unavailable'> {
  constructor(message: string, options?: { cause?: unknown }) {
    super('database_unavailable', message, true, options);
  }
}

export const assertUnreachable = (value: never): never => {
  throw new Error(`unreachable: ${String(value)}`);
};
