import { randomUUID } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { generateApiKey, hashKeySecret } from './api-key';
import { InvalidSourceNameError, SourceNameTakenError, SourceNotFoundError } from './source-errors';

/** A pg Pool or a checked-out client (so a caller can run these inside its own transaction). */
export type SourcesDatabase = Pick<Pool | PoolClient, 'query'>;

export interface Source {
  id: string;
  name: string;
  createdAt: Date;
  revokedAt: Date | null;
}

/** What createSource returns: the key is in clear only here, once; only its hash is stored. */
export interface CreatedSource {
  source: Source;
  apiKey: string;
}

interface SourceRow {
  id: string;
  name: string;
  created_at: Date;
  revoked_at: Date | null;
}

const SOURCE_COLUMNS = 'id, name, created_at, revoked_at';
const MAX_SOURCE_NAME_LENGTH = 128;
const UNIQUE_VIOLATION = '23505';

const toSource = (row: SourceRow): Source => ({ id: row.id, name: row.name, createdAt: row.created_at, revokedAt: row.revoked_at });

const isUniqueViolation = (error: unknown): boolean =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === UNIQUE_VIOLATION;

export const createSource = async (db: SourcesDatabase, name: string): Promise<CreatedSource> => {
  const trimmed = name.trim();
  if (trimmed.length === 0) throw new InvalidSourceNameError('must not be empty');
  if (trimmed.length > MAX_SOURCE_NAME_LENGTH) throw new InvalidSourceNameError(`must be at most ${MAX_SOURCE_NAME_LENGTH} characters`);
  const { keyId, secret, apiKey } = generateApiKey();
  const keyHash = await hashKeySecret(secret);
  try {
    const { rows } = await db.query<SourceRow>(
      `INSERT INTO sources (id, name, key_id, key_hash) VALUES ($1, $2, $3, $4) RETURNING ${SOURCE_COLUMNS}`,
      [randomUUID(), trimmed, keyId, keyHash],
    );
    const row = rows[0];
    if (!row) throw new Error('INSERT … RETURNING returned no row');
    return { source: toSource(row), apiKey };
  } catch (error) {
    if (isUniqueViolation(error)) throw new SourceNameTakenError(trimmed);
    throw error;
  }
};

/**
 * Marks the source revoked (idempotent: revoking twice keeps the first time). Ingest instances
 * stop accepting its key once their key cache expires (seconds).
 */
export const revokeSource = async (db: SourcesDatabase, id: string): Promise<Source> => {
  const { rows } = await db.query<SourceRow>(
    `UPDATE sources SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 RETURNING ${SOURCE_COLUMNS}`,
    [id],
  );
  const row = rows[0];
  if (!row) throw new SourceNotFoundError(id);
  return toSource(row);
};

export const listSources = async (db: SourcesDatabase): Promise<Source[]> => {
  const { rows } = await db.query<SourceRow>(`SELECT ${SOURCE_COLUMNS} FROM sources ORDER BY created_at, id`);
  return rows.map(toSource);
};

export interface SourceKeyRow {
  id: string;
  name: string;
  key_hash: string;
  revoked_at: Date | null;
}

export const findSourceByKeyId = async (db: SourcesDatabase, keyId: string): Promise<SourceKeyRow | undefined> => {
  const { rows } = await db.query<SourceKeyRow>('SELECT id, name, key_hash, revoked_at FROM sources WHERE key_id = $1', [keyId]);
  return rows[0];
};
