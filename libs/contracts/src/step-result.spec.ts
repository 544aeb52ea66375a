import { describe, expect, it } from 'vitest';
import { ok, pipeline, reject, type Step } from './step-result';

const double: Step<number, number> = (n) => ok(n * 2);
const refuseOdd: Step<number, number> = (n) => (n % 2 === 1 ? reject('odd', `got ${n}`) : ok(n));
const toText: Step<number, string> = (n) => ok(`n=${n}`);

describe('pipeline', () => {
  it.each([
    [2, ok('n=8')],
    [3, reject('odd', 'got 3')],
  ])('runs the steps in order: %s', (input, expected) => {
    expect(pipeline(refuseOdd, double, double, toText)(input, undefined)).toEqual(expected);
  });
});
