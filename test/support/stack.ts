import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from './test-database';
import { createTestTopics, testKafka } from './test-kafka';
import type { TopicNames } from '@telemetry/kafka';

export const SERVICES = ['ingest', 'privacy', 'processor', 'anomaly', 'api'] as const;
export type ServiceName = (typeof SERVICES)[number];

const root = join(__dirname, '..', '..');

export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

export interface Stack {
  db: TestDatabase;
  topics: TopicNames;
  suffix: string;
  env: Record<string, string>;
  ports: Record<ServiceName, number>;
  ingestUrl: string;
  apiUrl: string;
  adminToken: string;
  start: (service: ServiceName) => Promise<void>;
  /** SIGKILL: the process gets no chance to finish or commit anything. */
  kill: (service: ServiceName) => Promise<void>;
  /** SIGTERM: a graceful stop. */
  stop: (service: ServiceName) => Promise<void>;
  stopAll: () => Promise<void>;
}

/**
 * The whole stack as separate processes, as `npm start` runs it, on free ports with its own
 * database and topics, so e2e and fault tests see it only from the outside (HTTP, Kafka, GraphQL).
 * Logs go to test-artifacts/stack-<id>/<service>.log.
 */
export const startStack = async (options: { services?: readonly ServiceName[]; extraEnv?: Record<string, string> } = {}): Promise<Stack> => {
  const id = randomBytes(4).toString('hex');
  const db = await createTestDatabase();
  const { suffix, topics } = await createTestTopics(testKafka(), 4);
  const ports = {
    ingest: await freePort(),
    privacy: await freePort(),
    processor: await freePort(),
    anomaly: await freePort(),
    api: await freePort(),
  } satisfies Record<ServiceName, number>;
  const adminToken = `admin-${randomBytes(16).toString('hex')}`;
  const env: Record<string, string> = {
    KAFKA_BROKERS: process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092',
    KAFKA_TOPIC_SUFFIX: suffix,
    DATABASE_URL: db.url,
    PSEUDONYM_KEY: 'e2e-pseudonym-key-0123456789abcdefghijklmnop',
    TELEMETRY_ADMIN_TOKEN: adminToken,
    INGEST_PORT: String(ports.ingest),
    API_PORT: String(ports.api),
    PRIVACY_HEALTH_PORT: String(ports.privacy),
    PROCESSOR_HEALTH_PORT: String(ports.processor),
    ANOMALY_HEALTH_PORT: String(ports.anomaly),
    LOG_LEVEL: 'info',
    // Consumer groups of their own, so stacks of parallel test files never share partitions.
    PROCESSOR_GROUP_ID: `processor${suffix}`,
    ANOMALY_CONSUMER_GROUP: `anomaly${suffix}`,
    ...options.extraEnv,
  };
  const logDir = join(root, 'test-artifacts', `stack-${id}`);
  mkdirSync(logDir, { recursive: true });
  const processes = new Map<ServiceName, ChildProcess>();

  const waitReady = async (service: ServiceName, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${ports[service]}/readyz`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      const child = processes.get(service);
      if (child && child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}; see ${logDir}/${service}.log`);
      if (Date.now() > deadline) throw new Error(`${service} not ready within ${timeoutMs} ms; see ${logDir}/${service}.log`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const start = async (service: ServiceName) => {
    const log = createWriteStream(join(logDir, `${service}.log`), { flags: 'a' });
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps', service, 'src', 'main.ts')], {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    processes.set(service, child);
    await waitReady(service);
  };

  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const signal = async (service: ServiceName, sig: NodeJS.Signals) => {
    const child = processes.get(service);
    if (!child) return;
    child.kill(sig);
    await exited(child);
    processes.delete(service);
  };

  const stack: Stack = {
    db,
    topics,
    suffix,
    env,
    ports,
    ingestUrl: `http://127.0.0.1:${ports.ingest}`,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    adminToken,
    start,
    kill: (service) => signal(service, 'SIGKILL'),
    stop: (service) => signal(service, 'SIGTERM'),
    stopAll: async () => {
      await Promise.all([...processes.keys()].map((service) => signal(service, 'SIGTERM')));
      await db.drop();
    },
  };
  for (const service of options.services ?? SERVICES) await start(service);
  return stack;
};
