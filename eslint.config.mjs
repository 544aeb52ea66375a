// Lint rules, including the layering of ARCHITECTURE.md: pure libs import no I/O frameworks,
// apps import libs and never each other. Checked by @nx/enforce-module-boundaries on every lint.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import nx from '@nx/eslint-plugin';

const ioFrameworks = ['@nestjs/*', 'kafkajs', 'typeorm', 'pg', 'pg-copy-streams', 'fastify', 'pino', 'prom-client'];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '.nx/**', 'deploy/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs', 'apps/dashboard/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { '@nx': nx },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { disallowTypeAnnotations: false, fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-empty': ['error', { allowEmptyCatch: false }],
      '@nx/enforce-module-boundaries': ['error', {
        // Test code of any project may use the shared test support (real Kafka/Postgres helpers).
        allow: ['@telemetry/test-support'],
        // test/support builds real databases and topics with the libs whose tests use it.
        ignoredCircularDependencies: [['e2e', 'kafka'], ['e2e', 'db'], ['e2e', 'contracts'], ['e2e', 'config'], ['e2e', 'catalog'], ['e2e', 'service-runtime'], ['e2e', 'admin']],
        depConstraints: [
          { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['*'] },
          { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:infra', 'type:sdk'] },
          { sourceTag: 'type:infra', onlyDependOnLibsWithTags: ['type:contracts', 'type:infra', 'type:domain'] },
          { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'], bannedExternalImports: ioFrameworks },
          { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [], bannedExternalImports: ioFrameworks },
          { sourceTag: 'type:sdk', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: [...ioFrameworks, 'fs', 'node:*', 'zlib'] },
        ],
      }],
    },
  },
  {
    // Nest injects by constructor parameter types, so those imports must stay value imports.
    files: ['apps/**/*.ts', 'libs/kafka/**/*.ts', 'libs/db/**/*.ts', 'libs/service-runtime/**/*.ts'],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    // Only config loading reads the environment (STYLE.md §4).
    files: ['apps/**/*.ts', 'libs/**/*.ts'],
    ignores: ['**/config.ts', 'libs/config/**', '**/*.spec.ts', '**/test/**', '**/bench/**', '**/cli/**', '**/scripts/**'],
    rules: { 'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through the service config schema (config.ts).' }] },
  },
  {
    // The SDK's browser core must run without Node. @nx/enforce-module-boundaries does not see Node
    // built-ins (they are not npm packages), so they are banned here by name; only the Node entry
    // (node.ts) and its journal-file queue may use them, and the build bundles them separately.
    files: ['libs/sdk/src/**/*.ts'],
    ignores: ['libs/sdk/src/node.ts', 'libs/sdk/src/file-queue-storage.ts', 'libs/sdk/src/**/*.spec.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{
        group: ['node:*', 'fs', 'fs/*', 'path', 'zlib', 'os', 'crypto', 'http', 'https', 'net', 'child_process', 'stream', 'stream/*', 'util', 'buffer', 'events', 'worker_threads'],
        message: 'The SDK core runs in browsers: Node modules belong in libs/sdk/src/node.ts.',
      }] }],
      'no-restricted-globals': ['error', 'process', 'Buffer', '__dirname', '__filename', 'require'],
    },
  },
);
