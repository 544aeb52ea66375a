import { NestFactory } from '@nestjs/core';
import type { INestApplicationContext } from '@nestjs/common';
import { createLogger, PinoNestLogger, type Logger } from '@telemetry/service-runtime';
import type { PrivacyConfig } from './config';
import { createPrivacyModule } from './privacy-app.module';

/**
 * Starts the privacy filter in-process without the ops port (integration tests, embedding): it
 * resolves once the catalog and consent views are loaded and the consumer is running; close()
 * finishes the batch in hand, commits and disconnects.
 */
export const startPrivacyApp = async (config: PrivacyConfig, logger: Logger = createLogger('privacy', config.LOG_LEVEL)): Promise<INestApplicationContext> =>
  NestFactory.createApplicationContext(createPrivacyModule(config, logger), { logger: new PinoNestLogger(logger), abortOnError: false });
