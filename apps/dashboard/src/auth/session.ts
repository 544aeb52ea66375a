import { GraphqlError, request } from '../api/graphql-client';
import { ROLE_PROBE } from '../api/operations';

export type Role = 'admin' | 'viewer';

export interface Session {
  token: string;
  role: Role;
}

/** sessionStorage: the token lives as long as the tab, and never reaches other tabs or disk profiles. */
const STORAGE_KEY = 'telemetry.session';

export const loadSession = (): Session | null => {
  const stored = window.sessionStorage.getItem(STORAGE_KEY);
  if (stored === null) return null;
  const parsed: unknown = JSON.parse(stored);
  if (typeof parsed !== 'object' || parsed === null) return null;
  const { token, role } = parsed as Record<string, unknown>;
  if (typeof token !== 'string' || (role !== 'admin' && role !== 'viewer')) return null;
  return { token, role };
};

export const saveSession = (session: Session): void => window.sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));

export const clearSession = (): void => window.sessionStorage.removeItem(STORAGE_KEY);

/** The role a token has, from the refusal of ROLE_PROBE; throws for a token the API does not know. */
export const roleOf = async (token: string): Promise<Role> => {
  try {
    await request(token, ROLE_PROBE);
  } catch (error) {
    if (!(error instanceof GraphqlError)) throw error;
    if (error.code === 'FORBIDDEN') return 'viewer';
    if (error.code === 'NOT_FOUND') return 'admin';
    if (error.code === 'UNAUTHENTICATED') throw new GraphqlError('UNAUTHENTICATED', 'This token is unknown or revoked.');
    throw error;
  }
  throw new GraphqlError('INTERNAL', 'the role probe unexpectedly succeeded');
};
