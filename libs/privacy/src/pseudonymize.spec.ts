import { describe, expect, it } from 'vitest';
import { createPseudonymizer, pseudonymize } from './pseudonymize';

describe('pseudonymize', () => {
  it('is base64url(HMAC-SHA256(key, subjectId)) (RFC 4231 test case 2)', () => {
    expect(pseudonymize('Jefe', 'what do ya want for nothing?')).toBe('W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM');
  });

  it.each([
    ['user-1', 'user-2'],
    ['alice@example.com', 'Alice@example.com'],
  ])('gives different subjects (%s, %s) different pseudonyms', (a, b) => {
    expect(pseudonymize('k'.repeat(32), a)).not.toBe(pseudonymize('k'.repeat(32), b));
  });

  it('depends on the key', () => {
    expect(pseudonymize('a'.repeat(32), 'user-1')).not.toBe(pseudonymize('b'.repeat(32), 'user-1'));
  });
});

describe('createPseudonymizer', () => {
  it('answers like pseudonymize, also after its memory was cleared', () => {
    const key = 'k'.repeat(32);
    const pseudonymizer = createPseudonymizer(key, 2);
    const subjects = ['s1', 's2', 's3', 's1', 's4', 's2'];
    expect(subjects.map(pseudonymizer)).toEqual(subjects.map((subject) => pseudonymize(key, subject)));
  });

  it('refuses an empty key', () => {
    expect(() => createPseudonymizer('')).toThrow(/empty/);
  });
});
