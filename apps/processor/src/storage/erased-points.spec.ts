import { describe, expect, it } from 'vitest';
import { isErasedPoint } from './erased-points';

const ERASED_AT = 1_000_000;

describe('isErasedPoint', () => {
  it('drops a point received at or before the erasure, even after a new consent', () => {
    expect(isErasedPoint({ receivedAtMs: ERASED_AT - 1 }, { erasedAtMs: ERASED_AT, consentedAtMs: null })).toBe(true);
    expect(isErasedPoint({ receivedAtMs: ERASED_AT }, { erasedAtMs: ERASED_AT, consentedAtMs: ERASED_AT + 10 })).toBe(true);
  });

  it('drops a point received after the erasure while no consent was recorded since', () => {
    expect(isErasedPoint({ receivedAtMs: ERASED_AT + 5 }, { erasedAtMs: ERASED_AT, consentedAtMs: null })).toBe(true);
    expect(isErasedPoint({ receivedAtMs: ERASED_AT + 5 }, { erasedAtMs: ERASED_AT, consentedAtMs: ERASED_AT - 10 })).toBe(true);
  });

  it('keeps a point received after the erasure once the subject consented anew', () => {
    expect(isErasedPoint({ receivedAtMs: ERASED_AT + 20 }, { erasedAtMs: ERASED_AT, consentedAtMs: ERASED_AT + 10 })).toBe(false);
  });
});
