import { randomUUID } from 'node:crypto';
import { Value } from '@sinclair/typebox/value';
import { ConsentRecordSchema, type ConsentRecord } from '@telemetry/contracts';
import { followCompactedTopic, type CompactedTopicView } from '@telemetry/kafka';
import { isPurposeGranted } from '@telemetry/privacy';
import { waitFor } from '@telemetry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedPseudonym, startApiHarness, type ApiHarness } from './api-harness';

/**
 * What the privacy filter decides with after the API's consent mutations: its view of consent.v1
 * (built here as apps/privacy builds it: followCompactedTopic, records checked against
 * ConsentRecordSchema) and libs/privacy's isPurposeGranted, keyed by the pseudonym it computes.
 */
let api: ApiHarness;
let view: CompactedTopicView<ConsentRecord>;

beforeAll(async () => {
  api = await startApiHarness();
  view = await followCompactedTopic<ConsentRecord>({
    kafka: api.kafka,
    topic: api.topics.consent,
    groupPrefix: 'api-test-privacy-view',
    parse: (value) => {
      const parsed: unknown = JSON.parse(value.toString('utf8'));
      if (!Value.Check(ConsentRecordSchema, parsed)) throw new Error('not a consent record');
      return parsed;
    },
  });
  await view.caughtUp;
});

afterAll(async () => {
  await view?.stop();
  await api?.close();
});

const RECORD = `mutation($subjectId: String!, $purposes: [PurposeGrant!]!) { recordConsent(subjectId: $subjectId, purposes: $purposes) { subject } }`;

/** The filter's decision for an event of `purpose` from this subject, once the view has caught up with `until`. */
const decisionOnceViewed = async (subjectId: string, purpose: string, until: (record: ConsentRecord | undefined) => boolean) => {
  const pseudonym = expectedPseudonym(subjectId);
  await waitFor(async () => (until(view.values.get(pseudonym)) ? true : undefined));
  return isPurposeGranted(view.values.get(pseudonym), purpose);
};

describe('consent and erasure as the privacy filter sees them', () => {
  it('admits a purpose once recordConsent grants it, and refuses it again once withdrawn', async () => {
    const subjectId = `user-${randomUUID()}`;
    const granted = await api.gql(RECORD, { subjectId, purposes: [{ purpose: 'performance', granted: true }, { purpose: 'marketing', granted: false }] });
    expect(granted.errors).toBeUndefined();
    expect(await decisionOnceViewed(subjectId, 'performance', (record) => record !== undefined)).toBe(true);
    expect(isPurposeGranted(view.values.get(expectedPseudonym(subjectId)), 'marketing')).toBe(false);
    expect(isPurposeGranted(view.values.get(expectedPseudonym(`other-${subjectId}`)), 'performance')).toBe(false);
    // The raw subject id never reaches the topic the filter reads.
    expect(view.values.has(subjectId)).toBe(false);

    await api.gql(RECORD, { subjectId, purposes: [{ purpose: 'performance', granted: false }] });
    expect(await decisionOnceViewed(subjectId, 'performance', (record) => record?.purposes['performance'] === false)).toBe(false);
  });

  it('refuses every purpose of an erased subject: the erasure tombstones the record the filter reads', async () => {
    const subjectId = `user-${randomUUID()}`;
    await api.gql(RECORD, { subjectId, purposes: [{ purpose: 'performance', granted: true }] });
    expect(await decisionOnceViewed(subjectId, 'performance', (record) => record !== undefined)).toBe(true);
    const erased = await api.gql<{ requestErasure: { status: string } }>(`mutation($subjectId: String!) { requestErasure(subjectId: $subjectId) { status } }`, { subjectId });
    expect(erased.data?.requestErasure.status).toBe('completed');
    expect(await decisionOnceViewed(subjectId, 'performance', (record) => record === undefined)).toBe(false);
  });
});
