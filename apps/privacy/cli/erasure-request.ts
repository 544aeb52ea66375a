/**
 * npm run erasure:request -- <subjectId>
 * Erases a subject (GDPR art. 17) exactly as the GraphQL requestErasure mutation will (libs/admin):
 * consent tombstoned on consent.v1, rows deleted from every per-subject table, counts recorded in
 * erasure_requests and audit_log. Running it again is harmless.
 */
import { requestErasure } from '@telemetry/admin';
import { cliActor, loadPrivacyAdminCliConfig } from './admin-cli-config';
import { withPrivacyAdminDeps } from './with-admin-deps';

const main = async (): Promise<number> => {
  const args = process.argv.slice(2);
  const subjectId = args[0];
  if (args.length !== 1 || subjectId === undefined || subjectId.startsWith('-')) {
    process.stderr.write('usage: npm run erasure:request -- <subjectId>\n');
    return 64;
  }
  const config = loadPrivacyAdminCliConfig();
  const request = await withPrivacyAdminDeps(config, (deps) => requestErasure(deps, subjectId, cliActor(config)));
  process.stdout.write(`${JSON.stringify(request)}\n`);
  return 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`erasure:request failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
