import { Global, Module, type DynamicModule } from '@nestjs/common';
import { AuthService } from '../auth/auth.service';
import { RequestLoadersFactory } from '../auth/request-loaders.factory';
import { IncidentsRepository } from '../incidents/incidents.repository';
import { MetricsRepository } from '../metrics/metrics.repository';
import { API_CONFIG, KAFKA, LOGGER, METRICS_REGISTRY, PG_POOL, PRODUCER, TIME_BUCKET_FUNCTION, TOPICS, type ApiDeps } from './api-deps';

/** What everything else is built from (made by createApiApp), plus what the GraphQL context needs per request. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: ApiDeps): DynamicModule {
    const values = [
      { provide: API_CONFIG, useValue: deps.config },
      { provide: PG_POOL, useValue: deps.pool },
      { provide: KAFKA, useValue: deps.kafka },
      { provide: PRODUCER, useValue: deps.producer },
      { provide: TOPICS, useValue: deps.topics },
      { provide: LOGGER, useValue: deps.logger },
      { provide: METRICS_REGISTRY, useValue: deps.registry },
      { provide: TIME_BUCKET_FUNCTION, useValue: deps.timeBucketFunction },
    ];
    const services = [AuthService, RequestLoadersFactory, IncidentsRepository, MetricsRepository];
    return { module: CoreModule, providers: [...values, ...services], exports: [...values.map((value) => value.provide), ...services] };
  }
}
