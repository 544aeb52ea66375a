import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSdk, type SdkBuildReport } from '../scripts/build-sdk';

const execFileAsync = promisify(execFile);
const REPO_ROOT = join(__dirname, '..', '..', '..');

/** The built package as an outside project sees it: installed under node_modules, ESM, typed. */
describe('the published @telemetry/sdk package', () => {
  let consumer: string;
  let report: SdkBuildReport;

  beforeAll(async () => {
    consumer = mkdtempSync(join(tmpdir(), 'sdk-consumer-'));
    const installed = join(consumer, 'node_modules', '@telemetry', 'sdk');
    mkdirSync(join(consumer, 'node_modules', '@telemetry'), { recursive: true });
    report = await buildSdk({ outDir: join(consumer, 'build') });
    cpSync(join(consumer, 'build'), installed, { recursive: true });
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
    writeFileSync(
      join(consumer, 'app.mts'),
      [
        "import { createTelemetry, type Telemetry, type TrackOutcome } from '@telemetry/sdk';",
        "import { createNodeTelemetry } from '@telemetry/sdk/node';",
        `const telemetry: Telemetry = createNodeTelemetry({ endpoint: 'http://127.0.0.1:9', apiKey: 'k', queueFile: ${JSON.stringify(join(consumer, 'queue.jsonl'))} });`,
        "const outcome: TrackOutcome = telemetry.track('app.start', 1);",
        'await telemetry.shutdown();',
        "console.log(JSON.stringify({ outcome, browserFactory: typeof createTelemetry }));",
      ].join('\n'),
    );
  }, 120_000);

  afterAll(() => {
    if (consumer) rmSync(consumer, { recursive: true, force: true });
  });

  it('keeps the minified browser bundle under its gzip budget', () => {
    expect(report.minifiedGzipBytes).toBeGreaterThan(1_000);
    expect(report.minifiedGzipBytes).toBeLessThanOrEqual(report.budgetGzipBytes);
  });

  it('type-checks for a nodenext ESM consumer and runs under plain Node', async () => {
    await execFileAsync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict',
        '--types', 'node', '--typeRoots', join(REPO_ROOT, 'node_modules/@types'), join(consumer, 'app.mts')],
      { cwd: consumer },
    );
    const { stdout } = await execFileAsync(process.execPath, [join(consumer, 'app.mjs')], { cwd: consumer });
    expect(JSON.parse(stdout.trim())).toEqual({ outcome: 'pending', browserFactory: 'function' });
  });
});
