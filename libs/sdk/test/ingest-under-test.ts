import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readTopic, startStack, testKafka, type Stack } from '@telemetry/test-support';

const REPO_ROOT = join(__dirname, '..', '..', '..');
const execFileAsync = promisify(execFile);

export interface IngestUnderTest {
  stack: Stack;
  apiKey: string;
}

/**
 * The real ingest service as a child process (its own database and topics, via test-support's
 * stack) and a source key made by its own CLI, so the SDK is tested from the outside only.
 */
export const startIngest = async (extraEnv: Record<string, string> = {}): Promise<IngestUnderTest> => {
  const stack = await startStack({ services: ['ingest'], extraEnv: { LOG_LEVEL: 'warn', ...extraEnv } });
  const { stdout } = await execFileAsync(
    process.execPath,
    ['-r', '@swc-node/register', join(REPO_ROOT, 'apps/ingest/cli/create-source.ts'), `sdk-test-${stack.suffix}`],
    { cwd: REPO_ROOT, env: { ...process.env, DATABASE_URL: stack.db.url } },
  );
  const { apiKey } = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { apiKey?: string };
  if (typeof apiKey !== 'string') throw new Error(`source:create printed no key: ${stdout}`);
  return { stack, apiKey };
};

export interface RawEvent {
  id: string;
  metric: string;
  value: number;
  subjectId?: string;
  attributes?: Record<string, string | number | boolean>;
}

export interface RawRead {
  /** Events of every envelope, in topic order, duplicates included. */
  events: RawEvent[];
  /** Events per envelope (one envelope per accepted request). */
  envelopeSizes: number[];
}

/**
 * Reads telemetry.raw.v1 (this stack's copy) until `enough` holds for the events whose attribute
 * `run` equals `run` (or that `run` accepts, given as a predicate), or the timeout passes.
 */
export const readRawEvents = async (
  stack: Stack,
  run: string | ((event: RawEvent) => boolean),
  enough: (events: RawEvent[]) => boolean,
  timeoutMs = 20_000,
): Promise<RawRead> => {
  const belongs = typeof run === 'string' ? (event: RawEvent) => event.attributes?.['run'] === run : run;
  const select = (values: (string | null)[]): RawRead => {
    const events: RawEvent[] = [];
    const envelopeSizes: number[] = [];
    for (const value of values) {
      if (value === null) continue;
      const envelope = JSON.parse(value) as { events: RawEvent[] };
      const ofRun = envelope.events.filter(belongs);
      if (ofRun.length > 0) envelopeSizes.push(ofRun.length);
      events.push(...ofRun);
    }
    return { events, envelopeSizes };
  };
  const messages = await readTopic(testKafka(), stack.topics.raw, (read) => enough(select(read.map((message) => message.value)).events), timeoutMs);
  return select(messages.map((message) => message.value));
};
