import { describe, expect, it } from 'vitest';
import { ApiError } from '../errors/api-error';
import { autoStepSeconds, parseStep } from './parse-step';

describe('parseStep', () => {
  it.each([
    ['1m', 60],
    ['5m', 300],
    ['90m', 5_400],
    ['1h', 3_600],
    ['6h', 21_600],
    ['1d', 86_400],
    ['1w', 604_800],
    [' 15m ', 900],
  ])('%s is %i seconds', (step, seconds) => {
    expect(parseStep(step)).toBe(seconds);
  });

  it.each([['30s'], ['0m'], ['1'], ['m'], ['1.5h'], ['-1h'], ['1y'], ['1h; DROP TABLE rollups_1m'], ['367d'], ['']])('refuses %j as BAD_USER_INPUT', (step) => {
    expect(() => parseStep(step)).toThrow(ApiError);
    try {
      parseStep(step);
    } catch (error) {
      expect((error as ApiError).code).toBe('BAD_USER_INPUT');
    }
  });
});

describe('autoStepSeconds', () => {
  it.each([
    [3_600, 1_440, 60],
    [86_400, 1_440, 60],
    [2 * 86_400, 1_440, 300],
    [30 * 86_400, 1_440, 3_600],
    [365 * 86_400, 1_440, 86_400],
    [10 * 365 * 86_400, 1_440, 604_800],
  ])('a %i s range with at most %i points steps by %i s', (range, target, step) => {
    expect(autoStepSeconds(range, target)).toBe(step);
  });
});
