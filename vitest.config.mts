import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

// The same path aliases as tsconfig.base.json: one entry per lib.
const alias = Object.fromEntries(
  readdirSync(resolve(import.meta.dirname, 'libs')).map((lib) => [`@telemetry/${lib}`, resolve(import.meta.dirname, `libs/${lib}/src/index.ts`)]),
);
alias['@telemetry/test-support'] = resolve(import.meta.dirname, 'test/support/index.ts');
// graphql ships CJS and ESM builds; Nest require()s the CJS one, so tests must import that same copy
// (two copies break graphql-js's instanceof checks: "Cannot use GraphQLScalarType from another module").
alias['graphql'] = resolve(import.meta.dirname, 'node_modules/graphql/index.js');

// SWC, not esbuild, transpiles the tests: Nest's dependency injection needs decorator metadata.
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['libs/*/src/**/*.spec.ts', 'apps/*/src/**/*.spec.ts'],
          environment: 'node',
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['libs/*/test/**/*.int.spec.ts', 'apps/*/test/**/*.int.spec.ts', 'test/deploy/**/*.int.spec.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Each file gets its own database and topics; two at a time keeps a 2-core machine responsive.
          maxWorkers: 2,
          fileParallelism: true,
          // Runs after the unit project, which may use every core.
          sequence: { groupOrder: 1 },
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.spec.ts', 'test/faults/**/*.spec.ts', 'test/fuzz/**/*.spec.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
