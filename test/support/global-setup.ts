import { Socket } from 'node:net';

const reachable = (host: string, port: number, timeoutMs = 2_000) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });

/**
 * Integration and e2e suites need the real broker and database. `npm test` starts both
 * (scripts/test.sh); this check turns a missing one into one clear message instead of many timeouts.
 */
export default async function globalSetup() {
  const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
  const [host, port] = (brokers[0] ?? '127.0.0.1:9092').split(':');
  if (!(await reachable(host ?? '127.0.0.1', Number(port ?? 9092)))) {
    throw new Error(`Kafka is not reachable at ${brokers[0]}: run "npm run kafka:start" (npm test does it for you)`);
  }
  if (!(await reachable('127.0.0.1', 5432))) {
    throw new Error('PostgreSQL is not reachable at 127.0.0.1:5432 (npm test starts the local cluster when installed)');
  }
}
