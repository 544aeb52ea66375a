import { describe, expect, it } from 'vitest';
import { evaluateStaticRules } from './evaluate-static-rules';

describe('evaluateStaticRules', () => {
  it.each([
    ['no rule', undefined, 1e9, null],
    ['above the upper line', { above: 2000 }, 2000.5, { rule: 'above', threshold: 2000 }],
    ['exactly on the upper line', { above: 2000 }, 2000, null],
    ['below the lower line', { below: 1 }, 0.5, { rule: 'below', threshold: 1 }],
    ['exactly on the lower line', { below: 1 }, 1, null],
    ['inside a band', { above: 10, below: 1 }, 5, null],
    ['under a band', { above: 10, below: 1 }, -3, { rule: 'below', threshold: 1 }],
    ['over a band', { above: 10, below: 1 }, 11, { rule: 'above', threshold: 10 }],
  ])('%s', (_name, alert, value, expected) => {
    expect(evaluateStaticRules(alert, value)).toEqual(expected);
  });
});
