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

  const warm = (expected: number | null) => ({ expected, isWarm: true });
  it.each([
    ['a 90 % drop from a usual 200', { dropPercent: 90 }, 0, warm(200), { rule: 'drop', threshold: 20 }],
    ['a smaller fall than the rule names', { dropPercent: 90 }, 25, warm(200), null],
    ['a drop while the detector still warms up', { dropPercent: 90 }, 0, { expected: 200, isWarm: false }, null],
    ['a drop before anything was learned', { dropPercent: 90 }, 0, warm(null), null],
    ['a series whose usual level is under dropFrom', { dropPercent: 90, dropFrom: 10 }, 0, warm(3), null],
    ['a series at dropFrom that stops', { dropPercent: 90, dropFrom: 10 }, 0, warm(10), { rule: 'drop', threshold: 1 }],
    ['a series that is usually 0', { dropPercent: 100 }, 0, warm(0), null],
    ['no baseline given', { dropPercent: 90 }, 0, undefined, null],
  ])('%s', (_name, alert, value, baseline, expected) => {
    expect(evaluateStaticRules(alert, value, baseline)).toEqual(expected);
  });
});
