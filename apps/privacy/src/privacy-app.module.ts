import { Module, type Type as NestModuleType } from '@nestjs/common';
import { createKafka, kafkaReadinessCheck } from '@telemetry/kafka';
import { createMetricsRegistry, LOGGER, METRICS_REGISTRY, READINESS_CHECKS, type Logger } from '@telemetry/service-runtime';
import type { PrivacyConfig } from './config';
import { ConsentFilterService } from './consent-filter/consent-filter.service';
import { KAFKA, PRIVACY_CONFIG } from './consent-filter/consent-filter.tokens';

/**
 * The privacy app module for one configuration: main.ts passes the environment's, integration
 * tests their own topics and group. The service reads no database, so readiness is Kafka only.
 */
export const createPrivacyModule = (config: PrivacyConfig, logger: Logger): NestModuleType<unknown> => {
  const kafka = createKafka(config, 'privacy');
  const readiness = kafkaReadinessCheck(kafka);

  @Module({
    providers: [
      { provide: PRIVACY_CONFIG, useValue: config },
      { provide: KAFKA, useValue: kafka },
      { provide: LOGGER, useValue: logger },
      { provide: METRICS_REGISTRY, useValue: createMetricsRegistry('privacy') },
      { provide: READINESS_CHECKS, useValue: [readiness] },
      ConsentFilterService,
    ],
  })
  class PrivacyAppModule {
    async onApplicationShutdown(): Promise<void> {
      await readiness.close();
    }
  }
  return PrivacyAppModule;
};
