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

/** The variable each service takes its listening (HTTP or ops) port from. */
const PORT_VARIABLES: Record<ServiceName, string> = {
  ingest: 'INGEST_PORT',
  privacy: 'PRIVACY_HEALTH_PORT',
  processor: 'PROCESSOR_HEALTH_PORT',
  anomaly: 'ANOMALY_HEALTH_PORT',
  api: 'API_PORT',
};

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

export interface StackOptions {
  services?: readonly ServiceName[];
  extraEnv?: Record<string, string>;
  /**
   * Processes per service (default 1). Instances share the service's consumer group and differ only
   * in their port (`instancePorts`): that is how a worker scales out.
   */
  instances?: Partial<Record<ServiceName, number>>;
  /** Brokers for the topics and the services (default KAFKA_BROKERS, else 127.0.0.1:9092), e.g. a private broker a test may restart. */
  kafkaBrokers?: string;
  /** Partitions of the stack's topics (default 4). */
  partitions?: number;
}

export interface Stack {
  db: TestDatabase;
  topics: TopicNames;
  suffix: string;
  env: Record<string, string>;
  /** The port of each service's first instance. */
  ports: Record<ServiceName, number>;
  /** Every instance's port, instance 0 first. */
  instancePorts: Record<ServiceName, number[]>;
  ingestUrl: string;
  apiUrl: string;
  adminToken: string;
  /** Where the services log: <service>.log for instance 0, <service>-<n>.log for instance n. */
  logDir: string;
  /** Starts one instance, or (without `instance`) every configured instance not running. */
  start: (service: ServiceName, instance?: number) => Promise<void>;
  /** SIGKILL: the process gets no chance to finish or commit anything. Without `instance`: every instance. */
  kill: (service: ServiceName, instance?: number) => Promise<void>;
  /** SIGTERM: a graceful stop. Without `instance`: every instance. */
  stop: (service: ServiceName, instance?: number) => Promise<void>;
  /** The instances of a service whose process runs. */
  running: (service: ServiceName) => number[];
  /** Process ids of the running instances of a service (e.g. to read their CPU time from /proc). */
  pids: (service: ServiceName) => number[];
  stopAll: () => Promise<void>;
}

/**
 * The whole stack as separate processes, as `npm start` runs it, on free ports with its own
 * database and topics, so e2e and fault tests see it only from the outside (HTTP, Kafka, GraphQL).
 * Logs go to test-artifacts/stack-<id>/<service>.log.
 */
export const startStack = async (options: StackOptions = {}): Promise<Stack> => {
  const id = randomBytes(4).toString('hex');
  const brokers = options.kafkaBrokers ?? process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092';
  const partitions = options.partitions ?? 4;
  const db = await createTestDatabase();
  const { suffix, topics } = await createTestTopics(testKafka(brokers), partitions);
  const instanceCount = (service: ServiceName) => Math.max(1, options.instances?.[service] ?? 1);
  const instancePorts = {} as Record<ServiceName, number[]>;
  for (const service of SERVICES) {
    instancePorts[service] = [];
    for (let instance = 0; instance < instanceCount(service); instance += 1) instancePorts[service].push(await freePort());
  }
  const ports = Object.fromEntries(SERVICES.map((service) => [service, instancePorts[service][0] as number])) as Record<ServiceName, number>;
  const adminToken = `admin-${randomBytes(16).toString('hex')}`;
  const env: Record<string, string> = {
    KAFKA_BROKERS: brokers,
    KAFKA_TOPIC_SUFFIX: suffix,
    KAFKA_TOPIC_PARTITIONS: String(partitions),
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
  const processes = new Map<string, ChildProcess>();
  const keyOf = (service: ServiceName, instance: number) => `${service}#${instance}`;
  const logName = (service: ServiceName, instance: number) => (instance === 0 ? `${service}.log` : `${service}-${instance}.log`);
  const instancesOf = (service: ServiceName) => instancePorts[service].map((_, instance) => instance);
  const portOf = (service: ServiceName, instance: number) => {
    const port = instancePorts[service][instance];
    if (port === undefined) throw new Error(`${service} has ${instancePorts[service].length} instance(s); there is no instance ${instance}`);
    return port;
  };

  const waitReady = async (service: ServiceName, instance: number, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    const log = `${logDir}/${logName(service, instance)}`;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${portOf(service, instance)}/readyz`);
        if (response.ok) return;
      } catch {
        // not listening yet
      }
      const child = processes.get(keyOf(service, instance));
      if (child && child.exitCode !== null) throw new Error(`${service} exited with ${child.exitCode}; see ${log}`);
      if (Date.now() > deadline) throw new Error(`${service} not ready within ${timeoutMs} ms; see ${log}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const startInstance = async (service: ServiceName, instance: number) => {
    const log = createWriteStream(join(logDir, logName(service, instance)), { flags: 'a' });
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'apps', service, 'src', 'main.ts')], {
      cwd: root,
      env: { ...process.env, ...env, [PORT_VARIABLES[service]]: String(portOf(service, instance)) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    processes.set(keyOf(service, instance), child);
    await waitReady(service, instance);
  };

  const running = (service: ServiceName) => instancesOf(service).filter((instance) => processes.has(keyOf(service, instance)));

  const start = async (service: ServiceName, instance?: number) => {
    if (instance !== undefined) return startInstance(service, instance);
    await Promise.all(instancesOf(service).filter((candidate) => !processes.has(keyOf(service, candidate))).map((candidate) => startInstance(service, candidate)));
  };

  const exited = (child: ChildProcess) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const signal = async (service: ServiceName, sig: NodeJS.Signals, instance?: number) => {
    const targets = instance === undefined ? instancesOf(service) : [instance];
    await Promise.all(
      targets.map(async (target) => {
        const child = processes.get(keyOf(service, target));
        if (!child) return;
        child.kill(sig);
        await exited(child);
        processes.delete(keyOf(service, target));
      }),
    );
  };

  const stack: Stack = {
    db,
    topics,
    suffix,
    env,
    ports,
    instancePorts,
    ingestUrl: `http://127.0.0.1:${ports.ingest}`,
    apiUrl: `http://127.0.0.1:${ports.api}`,
    adminToken,
    logDir,
    start,
    kill: (service, instance) => signal(service, 'SIGKILL', instance),
    stop: (service, instance) => signal(service, 'SIGTERM', instance),
    running,
    pids: (service) => running(service).flatMap((instance) => processes.get(keyOf(service, instance))?.pid ?? []),
    stopAll: async () => {
      await Promise.all(SERVICES.map((service) => signal(service, 'SIGTERM')));
      await db.drop();
    },
  };
  for (const service of options.services ?? SERVICES) await start(service);
  return stack;
};
