import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createScrubber } from './create-scrubber';
import { createIdentifierHasher } from './hash-identifier';
import { identifierHoldsPii, isUuidFormat, protectIdentifier } from './protect-identifier';

const scrubber = createScrubber();
const hash = createIdentifierHasher('k'.repeat(32));
/** A v4 UUID whose leading digit groups the phone rule takes for a national number. */
const PHONE_LIKE_UUID = '49921877-8069-400e-9560-e2cf7cdd9b42';
/** 32 hex digits (an id ingest derives for an OTLP point) with a run the card rule takes for a card number. */
const CARD_LIKE_HEX = '86145a45631627327777e14a27f8eafe';

describe('isUuidFormat', () => {
  it.each([
    ['550e8400-e29b-41d4-a716-446655440000', true],
    ['550E8400-E29B-41D4-A716-446655440000', true],
    ['550e8400e29b41d4a716446655440000', true],
    ['86145a45631627327777e14a27f8eafe', true],
    ['00000000-0000-0000-0000-000000000000', false],
    ['49170123-4567-8901-2345-678901234567', false],
    ['41111111111111110000000000000000', false],
    ['550e8400-e29b-41d4-a716-44665544000', false],
    ['550e8400-e29b-41d4-a716-4466554400000', false],
    ['550e8400-e29b-41d4-a716_446655440000', false],
    ['550e8400-e29b-41d4-a716-44665544000g', false],
    ['550e8400-e29b-41d4-a716-4466-5440000', false],
    ['550e8400-e29b-41d4-a716-44665544000\u00e9', false],
    ['{50e8400-e29b-41d4-a716-446655440000', false],
    ['550e8400e29b41d4a71644665544000', false],
    ['550e8400e29b41d4a7164466554400000', false],
    ['550e8400e29b41d4-716446655440000', false],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAV', false],
  ])('%s → %s', (value, expected) => {
    expect(isUuidFormat(value)).toBe(expected);
  });
});

describe('identifierHoldsPii', () => {
  it.each([
    ['signup-bob@example.com', true],
    ['call:+44 20 7946 0958', true],
    ['from-10.1.2.3', true],
    ['card 4111 1111 1111 1111', true],
    ['token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln', true],
    ['evt-42', false],
    ['checkout-2026-11-25-000123', false],
    ['01ARZ3NDEKTSV4RRFFQ69G5FAV', false],
    ['550e8400-e29b-41d4-a716-446655440000', false],
  ])('%s → %s', (identifier, expected) => {
    expect(identifierHoldsPii(identifier, scrubber, [])).toBe(expected);
  });

  it('never flags a UUID, though the phone and card rules alter about 1 in 280 of them (1 in 1,200 bare)', () => {
    expect(scrubber.scrubValue(PHONE_LIKE_UUID, [])).not.toBe(PHONE_LIKE_UUID);
    expect(scrubber.scrubValue(CARD_LIKE_HEX, [])).not.toBe(CARD_LIKE_HEX);
    for (const id of [PHONE_LIKE_UUID, PHONE_LIKE_UUID.toUpperCase(), CARD_LIKE_HEX]) expect(identifierHoldsPii(id, scrubber, [])).toBe(false);
    const uuids = Array.from({ length: 20_000 }, () => randomUUID());
    expect(uuids.filter((uuid) => identifierHoldsPii(uuid, scrubber, []))).toEqual([]);
    expect(uuids.map((uuid) => uuid.replaceAll('-', '')).filter((hex) => identifierHoldsPii(hex, scrubber, []))).toEqual([]);
  });

  it('flags digits laid out like a UUID, which may be a number someone meant', () => {
    expect(identifierHoldsPii('41111111-1111-1111-0000-000000000000', scrubber, [])).toBe(true);
  });

  it('counts the rules that matched', () => {
    const hits: number[] = [];
    identifierHoldsPii('signup-bob@example.com', scrubber, hits);
    expect(hits[scrubber.ruleNames.indexOf('email')]).toBe(1);
  });

  it('holds only what the rules in use find', () => {
    expect(identifierHoldsPii('signup-bob@example.com', createScrubber({ rules: ['phone'] }), [])).toBe(false);
  });
});

describe('protectIdentifier', () => {
  it('returns an identifier without PII itself, and the keyed hash of one with PII', () => {
    expect(protectIdentifier('evt-42', scrubber, hash, [])).toBe('evt-42');
    expect(protectIdentifier(PHONE_LIKE_UUID, scrubber, hash, [])).toBe(PHONE_LIKE_UUID);
    expect(protectIdentifier('signup-bob@example.com', scrubber, hash, [])).toBe(hash('signup-bob@example.com'));
  });

  it('keeps distinct identifiers with PII apart (redaction would merge them into "[email]")', () => {
    const ids = Array.from({ length: 1_000 }, (_, index) => `signup-user${index}@example.com`);
    const protectedIds = ids.map((id) => protectIdentifier(id, scrubber, hash, []));
    expect(new Set(ids.map((id) => scrubber.scrubValue(id, [])))).toEqual(new Set(['[email]']));
    expect(new Set(protectedIds).size).toBe(ids.length);
    expect(protectedIds.every((id, index) => id === hash(ids[index] ?? ''))).toBe(true);
  });
});
