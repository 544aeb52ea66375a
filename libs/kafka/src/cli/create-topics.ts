import { databaseConfigSchema, kafkaConfigSchema, loadConfigOrExit } from '@telemetry/config';
import { Type } from '@sinclair/typebox';
import { createKafka } from '../create-kafka';
import { ensureTopics } from '../ensure-topics';
import { topicSpecs } from '../topic-names';

// `npm run topics:create`: creates the topics of ARCHITECTURE.md that are missing; harmless to re-run.
const schema = Type.Object({ ...kafkaConfigSchema.properties, ...databaseConfigSchema.properties });

const main = async () => {
  const config = loadConfigOrExit(schema, process.env);
  const kafka = createKafka(config, 'topics');
  const created = await ensureTopics(kafka, topicSpecs(config.KAFKA_TOPIC_SUFFIX), config.KAFKA_TOPIC_PARTITIONS);
  process.stdout.write(
    created.length > 0 ? `topics: created ${created.join(', ')}\n` : 'topics: all present\n',
  );
};

main().catch((error: unknown) => {
  process.stderr.write(`topics: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
