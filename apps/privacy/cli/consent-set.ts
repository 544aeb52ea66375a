/**
 * npm run consent:set -- <subjectId> analytics=true performance=false
 * Records consent exactly as the GraphQL recordConsent mutation will (libs/admin): merged into the
 * subject's earlier grants, stored under the pseudonym, published on consent.v1, audited.
 */
import { recordConsent } from '@telemetry/admin';
import { parsePurposeGrants } from '@telemetry/privacy';
import { cliActor, loadPrivacyAdminCliConfig } from './admin-cli-config';
import { withPrivacyAdminDeps } from './with-admin-deps';

const USAGE = 'usage: npm run consent:set -- <subjectId> <purpose>=true|false [...]';

const main = async (): Promise<number> => {
  const [subjectId, ...grants] = process.argv.slice(2);
  if (subjectId === undefined || subjectId.startsWith('-') || grants.length === 0) {
    process.stderr.write(`${USAGE}\n`);
    return 64;
  }
  let purposes: Record<string, boolean>;
  try {
    purposes = parsePurposeGrants(grants);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
    return 64;
  }
  const config = loadPrivacyAdminCliConfig();
  const consent = await withPrivacyAdminDeps(config, (deps) => recordConsent(deps, subjectId, purposes, cliActor(config)));
  process.stdout.write(`${JSON.stringify({ subject: consent.subject, purposes: consent.purposes, updatedAt: consent.updatedAt.toISOString() })}\n`);
  return 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`consent:set failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
