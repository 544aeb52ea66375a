import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { IngestController } from './ingest.controller';
import { IngestService } from './ingest.service';

/** The ingest's Nest module; createIngestApp builds the values (clients, limits, metrics) and passes them in. */
@Module({})
export class IngestModule {
  static register(values: Provider[]): DynamicModule {
    return { module: IngestModule, controllers: [IngestController], providers: [...values, IngestService] };
  }
}
