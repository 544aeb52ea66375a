import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@telemetry/test-support';

const run = promisify(execFile);
const KAFKA_SCRIPTS = join(__dirname, '..', '..', 'deploy', 'local', 'kafka');

export interface PrivateBroker {
  brokers: string;
  dataDir: string;
  /** A clean shutdown (SIGTERM, as stop.sh does it); the data stays for the restart. */
  stop: () => Promise<void>;
  start: () => Promise<void>;
  /** Stops the broker and deletes its data. */
  destroy: () => Promise<void>;
}

/**
 * A broker of the test's own (deploy/local/kafka/start.sh on free ports, data in a temporary
 * directory), which the test may stop and restart. The shared broker on 9092 is never touched:
 * stop.sh is always given this broker's KAFKA_DATA_DIR.
 */
export const startPrivateBroker = async (): Promise<PrivateBroker> => {
  const port = await freePort();
  const controllerPort = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'telemetry-fault-kafka-'));
  const env = {
    ...process.env,
    KAFKA_PORT: String(port),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    KAFKA_DATA_DIR: dataDir,
    KAFKA_HEAP: '384m',
    // C1 only: the broker starts and restarts in about half the time on a busy machine; the tests move little data.
    KAFKA_EXTRA_JAVA_OPTS: '-XX:TieredStopAtLevel=1',
  };
  const script = (name: 'start.sh' | 'stop.sh') => run('bash', [join(KAFKA_SCRIPTS, name)], { env, timeout: 120_000 }).then(() => undefined);
  const broker: PrivateBroker = {
    brokers: `127.0.0.1:${port}`,
    dataDir,
    start: () => script('start.sh'),
    stop: () => script('stop.sh'),
    destroy: async () => {
      await script('stop.sh');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
};
