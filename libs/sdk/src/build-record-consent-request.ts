import type { PendingConsent } from './telemetry-types';

/** ARCHITECTURE.md: `recordConsent(subjectId: String!, purposes: [PurposeGrant!]!): Consent!`. */
export const RECORD_CONSENT_MUTATION =
  'mutation RecordConsent($subjectId: String!, $purposes: [PurposeGrant!]!) ' +
  '{ recordConsent(subjectId: $subjectId, purposes: $purposes) { __typename } }';

export const buildRecordConsentBody = (consent: PendingConsent): string =>
  JSON.stringify({
    query: RECORD_CONSENT_MUTATION,
    variables: {
      subjectId: consent.subjectId,
      purposes: Object.entries(consent.purposes).map(([purpose, granted]) => ({ purpose, granted })),
    },
  });

/** GraphQL answers 200 even for failed operations; the `errors` array says whether it worked. */
export const readGraphqlErrors = (bodyText: string): string[] => {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch (error) {
    if (error instanceof SyntaxError) return ['unreadable GraphQL response'];
    throw error;
  }
  if (typeof body !== 'object' || body === null) return ['unreadable GraphQL response'];
  const { errors, data } = body as { errors?: unknown; data?: unknown };
  if (Array.isArray(errors) && errors.length > 0) {
    return errors.map((entry: unknown) =>
      typeof entry === 'object' && entry !== null && typeof (entry as { message?: unknown }).message === 'string'
        ? (entry as { message: string }).message
        : 'GraphQL error',
    );
  }
  return data === undefined || data === null ? ['GraphQL response without data'] : [];
};

/** Merges a new choice into what is still waiting to be recorded for the same subject. */
export const mergePendingConsent = (pending: readonly PendingConsent[], next: PendingConsent): PendingConsent[] => {
  const existing = pending.find((entry) => entry.subjectId === next.subjectId);
  if (existing === undefined) return [...pending, next];
  return pending.map((entry) =>
    entry.subjectId === next.subjectId ? { subjectId: next.subjectId, purposes: { ...entry.purposes, ...next.purposes } } : entry,
  );
};
