import { revokeSource } from '@telemetry/admin';
import { databaseConfigSchema, loadConfigOrExit } from '@telemetry/config';
import { createPool } from '@telemetry/db';

// `npm run source:revoke -- <id>`: the source's key stops working on every ingest instance
// within INGEST_KEY_CACHE_TTL_MS (5 s by default).
const main = async () => {
  const id = process.argv[2]?.trim();
  if (!id) {
    process.stderr.write('usage: npm run source:revoke -- <source id>\n');
    process.exit(64);
  }
  const pool = createPool(loadConfigOrExit(databaseConfigSchema, process.env));
  try {
    const source = await revokeSource(pool, id);
    process.stdout.write(`${JSON.stringify({ id: source.id, name: source.name, revokedAt: source.revokedAt })}\n`);
  } finally {
    await pool.end();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`source:revoke: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
