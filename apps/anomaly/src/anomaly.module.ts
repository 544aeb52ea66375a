import { Module, type Type } from '@nestjs/common';
import { createMetricsRegistry, LOGGER, METRICS_REGISTRY, READINESS_CHECKS, type Logger } from '@telemetry/service-runtime';
import type { Registry } from 'prom-client';
import type { AnomalyConfig } from './config';
import { DetectionService } from './detection/detection.service';

/**
 * The anomaly worker's Nest module, built for one configuration (main.ts passes the environment's,
 * integration tests their own topics and database).
 */
export const createAnomalyModule = (config: AnomalyConfig, logger: Logger): Type<unknown> => {
  @Module({
    providers: [
      { provide: LOGGER, useValue: logger },
      { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry('anomaly') },
      {
        provide: DetectionService,
        useFactory: (registry: Registry) => new DetectionService(config, logger, registry),
        inject: [METRICS_REGISTRY],
      },
      { provide: READINESS_CHECKS, useFactory: (service: DetectionService) => service.readinessChecks, inject: [DetectionService] },
    ],
  })
  class AnomalyModule {}
  return AnomalyModule;
};
