import { createSource } from '@telemetry/admin';
import { databaseConfigSchema, loadConfigOrExit } from '@telemetry/config';
import { createPool } from '@telemetry/db';

// `npm run source:create -- <name>`: prints the new source and its API key once, as one JSON line.
// Only the key's scrypt hash is stored: a lost key cannot be shown again, only replaced.
const main = async () => {
  const name = process.argv.slice(2).join(' ').trim();
  if (!name) {
    process.stderr.write('usage: npm run source:create -- <name>\n');
    process.exit(64);
  }
  const pool = createPool(loadConfigOrExit(databaseConfigSchema, process.env));
  try {
    const { source, apiKey } = await createSource(pool, name);
    process.stdout.write(`${JSON.stringify({ id: source.id, name: source.name, apiKey })}\n`);
  } finally {
    await pool.end();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`source:create: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
