import { describe, expect, it } from 'vitest';
import { buildRecordConsentBody, mergePendingConsent, readGraphqlErrors, RECORD_CONSENT_MUTATION } from './build-record-consent-request';
import type { PendingConsent } from './telemetry-types';

describe('buildRecordConsentBody', () => {
  it('sends the purposes as PurposeGrant inputs', () => {
    expect(JSON.parse(buildRecordConsentBody({ subjectId: 'u1', purposes: { analytics: true, performance: false } }))).toEqual({
      query: RECORD_CONSENT_MUTATION,
      variables: { subjectId: 'u1', purposes: [{ purpose: 'analytics', granted: true }, { purpose: 'performance', granted: false }] },
    });
  });
});

describe('readGraphqlErrors', () => {
  it.each<[string, string, string[]]>([
    ['success', '{"data":{"recordConsent":{"__typename":"Consent"}}}', []],
    ['errors array', '{"errors":[{"message":"Forbidden"}],"data":null}', ['Forbidden']],
    ['no data', '{}', ['GraphQL response without data']],
    ['not JSON', '<html>', ['unreadable GraphQL response']],
  ])('%s', (_name, body, expected) => {
    expect(readGraphqlErrors(body)).toEqual(expected);
  });
});

describe('mergePendingConsent', () => {
  const first: PendingConsent = { subjectId: 'u1', purposes: { analytics: true } };
  it.each<[string, PendingConsent[], PendingConsent, PendingConsent[]]>([
    ['a new subject is appended', [first], { subjectId: 'u2', purposes: { analytics: false } }, [first, { subjectId: 'u2', purposes: { analytics: false } }]],
    ['the same subject: the later choice wins per purpose', [first], { subjectId: 'u1', purposes: { analytics: false, crash: true } },
      [{ subjectId: 'u1', purposes: { analytics: false, crash: true } }]],
  ])('%s', (_name, pending, next, expected) => {
    expect(mergePendingConsent(pending, next)).toEqual(expected);
  });

  it('replaces a merged entry by a new object, so an in-flight one is recognisably stale', () => {
    const merged = mergePendingConsent([first], { subjectId: 'u1', purposes: { crash: true } });
    expect(merged[0]).not.toBe(first);
  });
});
