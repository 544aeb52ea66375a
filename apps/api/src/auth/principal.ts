import type { ApiRole } from '@telemetry/admin';

/** Who is calling: `actor` is what audit_log records ("token:<id>" or "bootstrap-admin"). */
export interface Principal {
  readonly actor: string;
  readonly role: ApiRole;
}

export const BOOTSTRAP_ADMIN_ACTOR = 'bootstrap-admin';

/** The secret of an `Authorization: Bearer <token>` header; undefined for any other shape. */
export const bearerToken = (header: unknown): string | undefined => {
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return match?.[1];
};
