import { DatabaseUnavailableError } from '@telemetry/contracts';
import type { ApiKeyVerifier, VerifiedSource } from '@telemetry/admin';
import { IngestRequestError } from '../http/ingest-request-error';

export type AuthFailureReason = 'missing_key' | 'invalid_key';

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * The source a request writes as: always the one its key belongs to (a key never writes as
 * another source). 401 for a missing, malformed, unknown, wrong or revoked key, without saying
 * which: the difference would help a guesser.
 */
export const authenticateSource = async (
  verifier: ApiKeyVerifier,
  authorization: string | undefined,
  onFailure: (reason: AuthFailureReason) => void,
): Promise<VerifiedSource> => {
  const apiKey = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  if (!apiKey) {
    onFailure('missing_key');
    throw new IngestRequestError('unauthorized', 'missing API key: send "Authorization: Bearer <source API key>"');
  }
  let source: VerifiedSource | null;
  try {
    source = await verifier.verify(apiKey);
  } catch (error) {
    if (error instanceof DatabaseUnavailableError) {
      throw new IngestRequestError('unavailable', 'cannot verify the API key right now; retry later', 5, { cause: error });
    }
    throw error;
  }
  if (!source) {
    onFailure('invalid_key');
    throw new IngestRequestError('unauthorized', 'invalid or revoked API key');
  }
  return source;
};
