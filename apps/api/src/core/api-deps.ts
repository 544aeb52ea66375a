import type { BatchProducer, TopicNames } from '@telemetry/kafka';
import type { Logger } from '@telemetry/service-runtime';
import type { Kafka } from 'kafkajs';
import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
import type { ApiConfig } from '../config';

/** Injection tokens for what the API is built from; createApiApp makes them, so a test can start the API in-process. */
export const API_CONFIG = Symbol('API_CONFIG');
export const PG_POOL = Symbol('PG_POOL');
export const KAFKA = Symbol('KAFKA');
export const PRODUCER = Symbol('PRODUCER');
export const TOPICS = Symbol('TOPICS');
export const LOGGER = Symbol('LOGGER');
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');
export const TIME_BUCKET_FUNCTION = Symbol('TIME_BUCKET_FUNCTION');

/** `time_bucket` where TimescaleDB is installed, `date_bin` (PostgreSQL 14+) otherwise: same arguments, same result. */
export type TimeBucketFunction = 'time_bucket' | 'date_bin';

export interface ApiDeps {
  readonly config: ApiConfig;
  readonly pool: Pool;
  readonly kafka: Kafka;
  readonly producer: BatchProducer;
  readonly topics: TopicNames;
  readonly logger: Logger;
  readonly registry: Registry;
  readonly timeBucketFunction: TimeBucketFunction;
}
