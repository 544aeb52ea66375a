import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { bootstrapWorker, createLogger } from '@telemetry/service-runtime';
import { loadProcessorConfig } from './config';
import { ProcessorModule } from './processor.module';

const main = async () => {
  const config = loadProcessorConfig();
  const logger = createLogger('processor', config.LOG_LEVEL);

  // bootstrapWorker takes a module class; the configured processor module is a dynamic one.
  @Module({ imports: [ProcessorModule.forConfig(config, logger)] })
  class ProcessorMainModule {}

  await bootstrapWorker({ service: 'processor', module: ProcessorMainModule, opsPort: config.PROCESSOR_HEALTH_PORT, logger });
};

main().catch((error: unknown) => {
  process.stderr.write(`processor failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
