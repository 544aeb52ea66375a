import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/**
 * Runs every service that exists (apps/<name>/src/main.ts) as its own process, prefixes each log
 * line with the service name, and on Ctrl-C sends SIGTERM to all and waits for them to finish
 * their batches.
 */
const SERVICES = ['ingest', 'privacy', 'processor', 'anomaly', 'api'] as const;
const COLORS = ['\x1b[36m', '\x1b[35m', '\x1b[33m', '\x1b[32m', '\x1b[34m'];
const root = join(__dirname, '..');

const children = new Map<string, ChildProcess>();
let stopping = false;

const prefixLines = (name: string, color: string, stream: NodeJS.ReadableStream | null) => {
  if (!stream) return;
  const label = `${color}${name.padEnd(9)}\x1b[0m│ `;
  createInterface({ input: stream }).on('line', (line) => process.stdout.write(`${label}${line}\n`));
};

SERVICES.forEach((name, index) => {
  const main = join(root, 'apps', name, 'src', 'main.ts');
  if (!existsSync(main)) return;
  const child = spawn(process.execPath, ['-r', '@swc-node/register', main], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const color = COLORS[index % COLORS.length] ?? '';
  prefixLines(name, color, child.stdout);
  prefixLines(name, color, child.stderr);
  child.on('exit', (code, signal) => {
    children.delete(name);
    process.stdout.write(`${name} exited (${signal ?? code})\n`);
    if (!stopping) shutdown(1);
    else if (children.size === 0) process.exit(0);
  });
  children.set(name, child);
});

const shutdown = (exitCode: number) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write('stopping services (finishing batches in hand)…\n');
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => process.exit(exitCode), 15_000).unref();
  if (children.size === 0) process.exit(exitCode);
};

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));
const ingestPort = process.env['INGEST_PORT'] ?? '4318';
const apiPort = process.env['API_PORT'] ?? '4000';
process.stdout.write(`started: ${[...children.keys()].join(', ') || '(no services yet)'}
  ingest   http://127.0.0.1:${ingestPort}/v1/events   (OTLP: /v1/metrics)
  GraphQL  http://127.0.0.1:${apiPort}/graphql        dashboard: http://127.0.0.1:${apiPort}/
  admin token (local only): ${process.env['TELEMETRY_ADMIN_TOKEN'] ?? '(set TELEMETRY_ADMIN_TOKEN)'}
  try:  curl -s http://127.0.0.1:${apiPort}/graphql -H 'authorization: Bearer <token>' \\
          -H 'content-type: application/json' -d '{"query":"{ metrics { name owner expires } }"}'
`);
if (children.size === 0) process.exit(0);

if (process.argv.includes('--demo')) {
  const demo = spawn(process.execPath, ['-r', '@swc-node/register', join(root, 'scripts', 'demo-fleet.ts')], {
    cwd: root,
    env: process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixLines('demo', '\x1b[90m', demo.stdout);
  prefixLines('demo', '\x1b[90m', demo.stderr);
  process.on('exit', () => demo.kill('SIGTERM'));
}
