import type { Pool } from 'pg';
import { recordAudit, type Queryable } from '../audit/record-audit';
import { withTransaction } from '../audit/with-transaction';
import { API_ROLES, generateApiToken, hashApiToken, type ApiRole } from './api-token-secret';

export interface ApiTokenInfo {
  readonly id: string;
  readonly name: string;
  readonly role: ApiRole;
  readonly createdAt: Date;
  readonly revokedAt: Date | null;
}

/** The secret is returned once, here; only its hash is stored. */
export interface CreatedApiToken extends ApiTokenInfo {
  readonly token: string;
}

export class ApiTokenInputError extends Error {
  readonly code = 'invalid_token_input';
}

interface TokenRow {
  id: string;
  name: string;
  role: string;
  created_at: Date;
  revoked_at: Date | null;
}

const MAX_TOKEN_NAME_LENGTH = 100;

const toRole = (role: string): ApiRole => {
  if (!(API_ROLES as readonly string[]).includes(role)) throw new Error(`api_tokens holds an unknown role ${JSON.stringify(role)}`);
  return role as ApiRole;
};

const toInfo = (row: TokenRow): ApiTokenInfo => ({
  id: row.id,
  name: row.name,
  role: toRole(row.role),
  createdAt: row.created_at,
  revokedAt: row.revoked_at,
});

export const createToken = async (
  pool: Pool,
  input: { name: string; role: ApiRole },
  actor: string,
): Promise<CreatedApiToken> => {
  const name = input.name.trim();
  if (name === '' || name.length > MAX_TOKEN_NAME_LENGTH) {
    throw new ApiTokenInputError(`token name must be 1 to ${MAX_TOKEN_NAME_LENGTH} characters`);
  }
  const token = generateApiToken();
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<TokenRow>(
      `INSERT INTO api_tokens (name, role, token_hash) VALUES ($1, $2, $3)
       RETURNING id, name, role, created_at, revoked_at`,
      [name, input.role, hashApiToken(token)],
    );
    const info = toInfo(rows[0] as TokenRow);
    await recordAudit(client, { actor, action: 'token.create', target: info.id, details: { name, role: input.role } });
    return { ...info, token };
  });
};

/** True when this call revoked the token; false when it is unknown or was already revoked. */
export const revokeToken = async (pool: Pool, id: string, actor: string): Promise<boolean> =>
  withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE api_tokens SET revoked_at = now() WHERE id::text = $1 AND revoked_at IS NULL`,
      [id],
    );
    const revoked = (rowCount ?? 0) > 0;
    await recordAudit(client, { actor, action: 'token.revoke', target: id, details: { revoked } });
    return revoked;
  });

/** The token's identity and role, or null when it is unknown or revoked. */
export const verifyToken = async (db: Queryable, token: string): Promise<ApiTokenInfo | null> => {
  const { rows } = await db.query<TokenRow>(
    `SELECT id, name, role, created_at, revoked_at FROM api_tokens WHERE token_hash = $1 AND revoked_at IS NULL`,
    [hashApiToken(token)],
  );
  const row = rows[0];
  return row ? toInfo(row) : null;
};

export const listTokens = async (db: Queryable): Promise<ApiTokenInfo[]> => {
  const { rows } = await db.query<TokenRow>(
    `SELECT id, name, role, created_at, revoked_at FROM api_tokens ORDER BY created_at, id`,
  );
  return rows.map(toInfo);
};
