import 'reflect-metadata';
import { bootstrapWorker, createLogger } from '@telemetry/service-runtime';
import { createAnomalyModule } from './anomaly.module';
import { loadAnomalyConfig } from './config';

const main = async () => {
  const config = loadAnomalyConfig();
  const logger = createLogger('anomaly', config.LOG_LEVEL);
  await bootstrapWorker({ service: 'anomaly', module: createAnomalyModule(config, logger), opsPort: config.ANOMALY_HEALTH_PORT, logger });
};

main().catch((error: unknown) => {
  process.stderr.write(`anomaly failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
