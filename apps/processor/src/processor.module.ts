import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createPool, postgresReadinessCheck } from '@telemetry/db';
import { createKafka, kafkaReadinessCheck, topicNames } from '@telemetry/kafka';
import { parseReferenceJoins } from '@telemetry/rollup';
import {
  createLogger,
  createMetricsRegistry,
  LOGGER,
  METRICS_REGISTRY,
  PinoNestLogger,
  READINESS_CHECKS,
  type Logger,
} from '@telemetry/service-runtime';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import type { ProcessorConfig } from './config';
import { ReferenceDataCache } from './enrichment/reference-data.cache';
import { createProcessorMetrics } from './monitoring/processor-metrics';
import {
  PROCESSOR_CONFIG,
  PROCESSOR_KAFKA,
  PROCESSOR_METRICS,
  PROCESSOR_POOL,
  PROCESSOR_TOPICS,
  ProcessorService,
  REFERENCE_DATA,
} from './processor.service';

@Module({})
export class ProcessorModule {
  static forConfig(config: ProcessorConfig, logger: Logger = createLogger('processor', config.LOG_LEVEL)): DynamicModule {
    // Parsed here so a bad REFDATA_JOIN stops the start with its name.
    const joins = parseReferenceJoins(config.REFDATA_JOIN);
    return {
      module: ProcessorModule,
      providers: [
        { provide: PROCESSOR_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        {
          provide: PROCESSOR_POOL,
          useFactory: () => createPool(config, {}, (error) => logger.warn({ err: error }, 'idle PostgreSQL connection lost')),
        },
        { provide: PROCESSOR_KAFKA, useFactory: () => createKafka(config, 'processor') },
        { provide: PROCESSOR_TOPICS, useValue: topicNames(config.KAFKA_TOPIC_SUFFIX) },
        { provide: METRICS_REGISTRY, useFactory: () => createMetricsRegistry('processor') },
        { provide: PROCESSOR_METRICS, useFactory: (registry: Registry) => createProcessorMetrics(registry), inject: [METRICS_REGISTRY] },
        { provide: REFERENCE_DATA, useFactory: (pool: Pool) => new ReferenceDataCache(pool, joins), inject: [PROCESSOR_POOL] },
        {
          provide: READINESS_CHECKS,
          useFactory: (kafka: Kafka, pool: Pool) => [kafkaReadinessCheck(kafka), postgresReadinessCheck(pool)],
          inject: [PROCESSOR_KAFKA, PROCESSOR_POOL],
        },
        ProcessorService,
      ],
    };
  }
}

/**
 * The processor in-process, without the ops port: integration tests start it with their own
 * database and topics and close() it (which finishes the batch in hand and commits).
 */
export const createProcessorApp = async (config: ProcessorConfig, logger?: Logger): Promise<INestApplicationContext> => {
  const log = logger ?? createLogger('processor', config.LOG_LEVEL);
  return NestFactory.createApplicationContext(ProcessorModule.forConfig(config, log), { logger: new PinoNestLogger(log), abortOnError: false });
};
