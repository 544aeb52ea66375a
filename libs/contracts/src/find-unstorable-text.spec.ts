import { describe, expect, it } from 'vitest';
import { findUnstorableText } from './find-unstorable-text';
import { createEventValidator } from './validate-event';

const event = { id: 'e1', metric: 'checkout.latency', value: 1, timestamp: '2026-11-25T12:00:00Z' };

describe('findUnstorableText', () => {
  it.each([
    ['plain text', { ...event, attributes: { region: 'eu-west', note: 'naïve café 🚀' } }, undefined],
    ['NUL in the id', { ...event, id: 'a\u0000b' }, 'id'],
    ['an unpaired high surrogate in an attribute', { ...event, attributes: { region: 'x\ud83d' } }, 'attributes.region'],
    ['an unpaired low surrogate in the subject', { ...event, subjectId: '\ude80user' }, 'subjectId'],
  ])('%s', (_name, input, expected) => {
    expect(findUnstorableText(input)).toBe(expected);
  });

  it('makes the event validator refuse the event with the field and the reason', () => {
    const validate = createEventValidator();
    expect(validate({ ...event, attributes: { region: 'eu\u0000' } }, 'events[3]')).toEqual({
      ok: false,
      reason: 'events[3].attributes.region: must not contain NUL or unpaired surrogates (not storable as UTF-8 text)',
    });
    expect(validate({ ...event, id: '\ud800' })).toMatchObject({ ok: false });
    expect(validate({ ...event, attributes: { region: 'eu-west' } })).toMatchObject({ ok: true });
  });

  it('is skipped when the caller vouches for the text (textIsStorable: its JSON had no \\u escape)', () => {
    const validate = createEventValidator();
    // The hint is trusted, not checked: ingest gives it only for a body without any \u escape.
    expect(validate({ ...event, id: 'a\u0000b' }, '', { textIsStorable: true })).toMatchObject({ ok: true });
    expect(validate({ ...event, id: 'a\u0000b' }, '', { textIsStorable: false })).toMatchObject({ ok: false });
  });
});
