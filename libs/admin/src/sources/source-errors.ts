import { TelemetryError } from '@telemetry/contracts';

export class SourceNameTakenError extends TelemetryError<'source_name_taken'> {
  constructor(name: string) {
    super('source_name_taken', `a source named ${JSON.stringify(name)} already exists`, false);
  }
}

export class SourceNotFoundError extends TelemetryError<'source_not_found'> {
  constructor(id: string) {
    super('source_not_found', `no source with id ${JSON.stringify(id)}`, false);
  }
}

export class InvalidSourceNameError extends TelemetryError<'invalid_source_name'> {
  constructor(reason: string) {
    super('invalid_source_name', `source name ${reason}`, false);
  }
}
