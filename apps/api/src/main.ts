import 'reflect-metadata';
import { createLogger } from '@telemetry/service-runtime';
import { createApiApp } from './api-app';
import { loadApiConfig } from './config';

const main = async () => {
  const config = loadApiConfig();
  const logger = createLogger('api', config.LOG_LEVEL);
  const app = await createApiApp(config, { logger });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'api: shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'api: unclean shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
};

main().catch((error: unknown) => {
  process.stderr.write(`api: failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
