import 'reflect-metadata';
import { requirePseudonymKey } from '@telemetry/config';
import { bootstrapWorker, createLogger } from '@telemetry/service-runtime';
import { loadPrivacyConfig } from './config';
import { createPrivacyModule } from './privacy-app.module';

const config = loadPrivacyConfig();
const logger = createLogger('privacy', config.LOG_LEVEL);
// Fail at start, naming the variable, rather than on the first event.
requirePseudonymKey(config);

bootstrapWorker({ service: 'privacy', module: createPrivacyModule(config, logger), opsPort: config.PRIVACY_HEALTH_PORT, logger }).catch(
  (error: unknown) => {
    logger.fatal({ err: error }, 'privacy failed to start');
    process.exit(1);
  },
);
