import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { Type } from '@sinclair/typebox';
import { expiringWithin, formatCatalogIssue, parseCatalog } from '@telemetry/catalog';
import { databaseConfigSchema, kafkaConfigSchema, loadConfigOrExit } from '@telemetry/config';
import { createPool } from '@telemetry/db';
import { BatchProducer, createKafka, ensureTopics, topicNames, topicSpecs } from '@telemetry/kafka';
import {
  EXPIRY_WARNING_DAYS,
  applyCatalog,
  formatCatalogPlan,
  formatExpiringMetrics,
  loadCatalogPlan,
  planHasChanges,
} from '../src/catalog';

/*
 * `npm run catalog:apply -- [--dry-run] [--yes] path/to/metrics.yaml`
 * (built: `node dist/libs/admin/cli/catalog-apply.js path/to/metrics.yaml`, the compose migrate step).
 *
 * Validates the file (every problem as `file:line: metric.field: message`, exit 1), prints the diff
 * against metric_definitions, warns about metrics expiring within 30 days with their owners, then
 * applies the diff in one transaction and publishes exactly the changed definitions to catalog.v1.
 * On a terminal it asks before applying unless --yes; without a terminal (CI, compose, Helm) it
 * applies directly, since nobody could answer. Exit codes: 0 applied or nothing to do, 1 invalid
 * file or failure, 2 bad arguments, 78 bad environment.
 */
const configSchema = Type.Object({ ...kafkaConfigSchema.properties, ...databaseConfigSchema.properties });

const USAGE = 'usage: npm run catalog:apply -- [--dry-run] [--yes] path/to/metrics.yaml';

class UsageError extends Error {}

interface CliArguments {
  readonly file: string;
  readonly dryRun: boolean;
  readonly yes: boolean;
}

const parseCliArguments = (argv: readonly string[]): CliArguments => {
  const { values, positionals } = (() => {
    try {
      return parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: { 'dry-run': { type: 'boolean', default: false }, yes: { type: 'boolean', short: 'y', default: false } },
      });
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error), { cause: error });
    }
  })();
  const [file, ...extra] = positionals;
  if (file === undefined || extra.length > 0) throw new UsageError('expected exactly one catalog file');
  return { file, dryRun: values['dry-run'], yes: values.yes };
};

/** audit_log.actor for changes made from a shell: "cli:<os user>". */
const cliActor = (): string => {
  try {
    return `cli:${userInfo().username}`;
  } catch (error) {
    // A container user without a passwd entry has no name; its uid still says who it was.
    if (error instanceof Error && typeof process.getuid === 'function') return `cli:uid-${process.getuid()}`;
    throw error;
  }
};

const confirm = async (question: string): Promise<boolean> => {
  const prompt = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await prompt.question(question)).trim());
  } finally {
    prompt.close();
  }
};

const print = (lines: readonly string[], stream: NodeJS.WriteStream = process.stdout) => {
  if (lines.length > 0) stream.write(`${lines.join('\n')}\n`);
};

const run = async (argv: readonly string[]): Promise<number> => {
  const args = parseCliArguments(argv);
  const config = loadConfigOrExit(configSchema, process.env);
  const text = await readFile(args.file, 'utf8');
  const now = new Date();
  const parsed = parseCatalog(text, { now });
  print(parsed.warnings.map((warning) => `warning: ${formatCatalogIssue(warning, args.file)}`), process.stderr);
  if (!parsed.ok) {
    print(parsed.issues.map((issue) => formatCatalogIssue(issue, args.file)), process.stderr);
    const count = `${parsed.issues.length} problem${parsed.issues.length === 1 ? '' : 's'}`;
    process.stderr.write(`catalog:apply: ${args.file} is invalid (${count}); nothing applied\n`);
    return 1;
  }
  print(formatExpiringMetrics(expiringWithin(parsed.catalog, EXPIRY_WARNING_DAYS, now)), process.stderr);

  const pool = createPool(config);
  try {
    const plan = await loadCatalogPlan(pool, parsed.catalog);
    print(formatCatalogPlan(plan, args.file));
    if (args.dryRun) {
      print(['dry run: nothing applied']);
      return 0;
    }
    if (!planHasChanges(plan)) {
      print(['nothing to apply: the stored catalog already matches the file']);
      return 0;
    }
    if (!args.yes && process.stdin.isTTY && !(await confirm('Apply these changes? [y/N] '))) {
      print(['not applied']);
      return 1;
    }

    const catalogTopic = topicNames(config.KAFKA_TOPIC_SUFFIX).catalog;
    const kafka = createKafka(config, 'catalog-apply');
    // The one topic this command writes; harmless when `npm run topics:create` already made it.
    await ensureTopics(kafka, topicSpecs(config.KAFKA_TOPIC_SUFFIX).filter((spec) => spec.name === catalogTopic), config.KAFKA_TOPIC_PARTITIONS);
    const producer = await BatchProducer.connect(kafka);
    try {
      const result = await applyCatalog({ pool, producer, catalogTopic }, parsed.catalog, {
        actor: cliActor(),
        source: args.file,
        expectedPlan: plan,
      });
      print([`applied: ${result.versions.size} metric${result.versions.size === 1 ? '' : 's'} written, ${result.publishedCount} record${result.publishedCount === 1 ? '' : 's'} published to ${catalogTopic}`]);
      return 0;
    } finally {
      await producer.disconnect();
    }
  } finally {
    await pool.end();
  }
};

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`catalog:apply: ${error.message}\n${USAGE}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`catalog:apply: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
