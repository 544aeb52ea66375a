import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type KafkaConfig, type SASLOptions } from 'kafkajs';
import { installChunkedEncoder } from './install-chunked-encoder';
import { installHardwareCrc32c } from './install-hardware-crc32c';

// Before any client produces (kafkajs loads its checksum on the first produce).
installHardwareCrc32c();
installChunkedEncoder();

export interface KafkaConnectionConfig {
  KAFKA_BROKERS: string;
  KAFKA_CLIENT_ID: string;
  KAFKA_SSL: boolean;
  KAFKA_SSL_CA_FILE?: string;
  KAFKA_SASL_MECHANISM?: 'plain' | 'scram-sha-256' | 'scram-sha-512';
  KAFKA_SASL_USERNAME?: string;
  KAFKA_SASL_PASSWORD?: string;
}

const saslFrom = (config: KafkaConnectionConfig): SASLOptions | undefined => {
  if (!config.KAFKA_SASL_MECHANISM) return undefined;
  const username = config.KAFKA_SASL_USERNAME ?? '';
  const password = config.KAFKA_SASL_PASSWORD ?? '';
  switch (config.KAFKA_SASL_MECHANISM) {
    case 'plain':
      return { mechanism: 'plain', username, password };
    case 'scram-sha-256':
      return { mechanism: 'scram-sha-256', username, password };
    case 'scram-sha-512':
      return { mechanism: 'scram-sha-512', username, password };
  }
};

/** The one place kafkajs clients are built: brokers, TLS and SASL come from the environment. */
export const createKafka = (config: KafkaConnectionConfig, clientSuffix = ''): Kafka => {
  const ssl = config.KAFKA_SSL
    ? config.KAFKA_SSL_CA_FILE
      ? { ca: [readFileSync(config.KAFKA_SSL_CA_FILE, 'utf8')] }
      : true
    : false;
  const options: KafkaConfig = {
    clientId: clientSuffix ? `${config.KAFKA_CLIENT_ID}-${clientSuffix}` : config.KAFKA_CLIENT_ID,
    brokers: config.KAFKA_BROKERS.split(',').map((broker) => broker.trim()).filter(Boolean),
    ssl,
    sasl: saslFrom(config),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    // kafkajs logs every retried request at ERROR; services log outcomes themselves.
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 100, retries: 8 },
  };
  return new Kafka(options);
};
