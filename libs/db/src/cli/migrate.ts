import { Type } from '@sinclair/typebox';
import { databaseConfigSchema, loadConfigOrExit } from '@telemetry/config';
import { migrateDatabase } from '../migrate-database';

// `npm run db:migrate`: the only way the schema changes, in dev, CI and deploy.
const main = async () => {
  const config = loadConfigOrExit(Type.Object(databaseConfigSchema.properties), process.env);
  const report = await migrateDatabase(config);
  const database = new URL(config.DATABASE_URL).pathname.slice(1);
  if (report.created) process.stdout.write(`db: created database ${database}\n`);
  process.stdout.write(
    report.applied.length > 0
      ? `db: applied ${report.applied.length} migration(s): ${report.applied.join(', ')}\n`
      : `db: ${database} is up to date\n`,
  );
  process.stdout.write(`db: data_points storage = ${report.storage}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`db: migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
