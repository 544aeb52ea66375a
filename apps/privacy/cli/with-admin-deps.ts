import { requirePseudonymKey } from '@telemetry/config';
import { createPool } from '@telemetry/db';
import { BatchProducer, createKafka, topicNames } from '@telemetry/kafka';
import type { Pool } from 'pg';
import type { PrivacyAdminCliConfig } from './admin-cli-config';

export interface PrivacyAdminDeps {
  pool: Pool;
  producer: BatchProducer;
  consentTopic: string;
  pseudonymKey: string;
}

/** Opens the pool and producer a CLI command needs, runs it, and closes both whatever happened. */
export const withPrivacyAdminDeps = async <T>(config: PrivacyAdminCliConfig, work: (deps: PrivacyAdminDeps) => Promise<T>): Promise<T> => {
  const pseudonymKey = requirePseudonymKey(config);
  const pool = createPool(config);
  const producer = await BatchProducer.connect(createKafka(config, 'privacy-cli'));
  try {
    return await work({ pool, producer, consentTopic: topicNames(config.KAFKA_TOPIC_SUFFIX).consent, pseudonymKey });
  } finally {
    await producer.disconnect();
    await pool.end();
  }
};
