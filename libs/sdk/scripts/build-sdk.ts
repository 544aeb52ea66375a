/**
 * Builds the publishable @telemetry/sdk into libs/sdk/dist:
 *   index.js           ESM for bundlers and browsers (unminified, with source map)
 *   telemetry.min.js   ESM, minified: the browser bundle whose gzip size is budgeted below
 *   node.js            ESM for Node (journal-file queue, zlib)
 *   types/             declarations; package.json with "exports"
 * and checks that the browser core compiles without Node's types. Ends with one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type BuildOptions } from 'esbuild';

export const SDK_ROOT = resolve(__dirname, '..');
export const SDK_DIST = join(SDK_ROOT, 'dist');
/** Issue 10: the browser bundle, minified and gzipped, stays under 10 kB. */
const MINIFIED_GZIP_BUDGET_BYTES = 10 * 1024;

const BROWSER_BUNDLE: BuildOptions = {
  entryPoints: [join(SDK_ROOT, 'src/index.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

export interface SdkBuildReport {
  minifiedBytes: number;
  minifiedGzipBytes: number;
  budgetGzipBytes: number;
}

/** The minified browser bundle, in memory (the browser tests serve exactly what the build ships). */
export const bundleBrowserSdk = async (): Promise<Uint8Array> => {
  const result = await build({ ...BROWSER_BUNDLE, write: false });
  const output = result.outputFiles?.[0];
  if (output === undefined) throw new Error('esbuild produced no browser bundle');
  return output.contents;
};

const tsc = (project: string, extraArgs: string[] = []) =>
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(SDK_ROOT, project), ...extraArgs], { stdio: 'inherit' });

/**
 * The package is ESM ("type": "module"): consumers resolving with node16/nodenext need explicit
 * extensions on relative imports, which tsc copies from our extensionless sources as they are.
 */
const addDeclarationExtensions = (typesDir: string) => {
  for (const file of readdirSync(typesDir).filter((name) => name.endsWith('.d.ts'))) {
    const path = join(typesDir, file);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/(from\s+'\.\/[^']+?)(?<!\.js)'/g, "$1.js'"));
  }
};

export const buildSdk = async (options: { declarations?: boolean; outDir?: string } = {}): Promise<SdkBuildReport> => {
  const outDir = options.outDir ?? SDK_DIST;
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const common = { bundle: true, format: 'esm', logLevel: 'warning', legalComments: 'none' } as const;
  await Promise.all([
    build({ ...common, entryPoints: [join(SDK_ROOT, 'src/index.ts')], outfile: join(outDir, 'index.js'), platform: 'browser', target: 'es2020', sourcemap: true }),
    build({ ...BROWSER_BUNDLE, outfile: join(outDir, 'telemetry.min.js') }),
    build({ ...common, entryPoints: [join(SDK_ROOT, 'src/node.ts')], outfile: join(outDir, 'node.js'), platform: 'node', target: 'node18', sourcemap: true }),
  ]);
  if (options.declarations ?? true) {
    tsc('tsconfig.browser.json');
    tsc('tsconfig.build.json', ['--declarationDir', join(outDir, 'types')]);
    addDeclarationExtensions(join(outDir, 'types'));
  }
  const rootPackage = JSON.parse(readFileSync(join(SDK_ROOT, '../../package.json'), 'utf8')) as { version: string; license: string };
  const manifest = {
    name: '@telemetry/sdk',
    version: rootPackage.version,
    description: 'Telemetry client SDK for browsers and Node: consent first, batched, offline-safe, metered-network aware.',
    license: rootPackage.license,
    type: 'module',
    sideEffects: false,
    main: './index.js',
    module: './index.js',
    types: './types/index.d.ts',
    exports: {
      '.': { types: './types/index.d.ts', default: './index.js' },
      './node': { types: './types/node.d.ts', default: './node.js' },
      './telemetry.min.js': './telemetry.min.js',
    },
    engines: { node: '>=18' },
  };
  writeFileSync(join(outDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(SDK_ROOT, 'README.md'), join(outDir, 'README.md'));
  const minified = readFileSync(join(outDir, 'telemetry.min.js'));
  return { minifiedBytes: minified.length, minifiedGzipBytes: gzipSync(minified, { level: 9 }).length, budgetGzipBytes: MINIFIED_GZIP_BUDGET_BYTES };
};

if (require.main === module) {
  buildSdk()
    .then((report) => {
      console.log(`sdk: dist/ ready; telemetry.min.js ${report.minifiedBytes} B minified, ${report.minifiedGzipBytes} B gzipped (budget ${report.budgetGzipBytes} B)`);
      console.log(JSON.stringify({ build: 'sdk', ...report }));
      if (report.minifiedGzipBytes > report.budgetGzipBytes) {
        console.error('sdk: the browser bundle is over its size budget');
        process.exitCode = 1;
      }
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    });
}
