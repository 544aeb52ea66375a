import { createLogger } from '@telemetry/service-runtime';
import { loadIngestConfig } from './config';
import { createIngestApp } from './ingest-app';

const main = async () => {
  const config = loadIngestConfig();
  const logger = createLogger('ingest', config.LOG_LEVEL);
  const ingest = await createIngestApp(config, { logger });
  const shutdown = (signal: NodeJS.Signals) => {
    logger.info({ signal }, 'shutting down: finishing requests in flight');
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.INGEST_SHUTDOWN_TIMEOUT_MS }, 'requests still in flight at the shutdown timeout; exiting');
      process.exit(1);
    }, config.INGEST_SHUTDOWN_TIMEOUT_MS);
    timer.unref();
    ingest.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
};

main().catch((error: unknown) => {
  process.stderr.write(`ingest: failed to start: ${error instanceof Error ? error.stack ?? error.message : String(error)}\n`);
  process.exit(1);
});
