import { badUserInput } from '../errors/api-error';

const MINUTE_SECONDS = 60;
const UNIT_SECONDS: Readonly<Record<string, number>> = { m: MINUTE_SECONDS, h: 60 * MINUTE_SECONDS, d: 24 * 60 * MINUTE_SECONDS, w: 7 * 24 * 60 * MINUTE_SECONDS };
const MAX_STEP_SECONDS = 366 * UNIT_SECONDS['d']!;

/**
 * "1m", "5m", "1h", "1d", "1w" → seconds. Steps are whole minutes, the finest rollup there is;
 * anything else is refused with the accepted form.
 */
export const parseStep = (step: string): number => {
  const match = /^([1-9][0-9]{0,5})([mhdw])$/.exec(step.trim());
  if (!match) throw badUserInput(`step ${JSON.stringify(step.slice(0, 20))} is not a duration such as 1m, 5m, 1h or 1d`, { argument: 'step' });
  const seconds = Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
  if (seconds > MAX_STEP_SECONDS) throw badUserInput('step must be at most 366d', { argument: 'step' });
  return seconds;
};

/** Steps offered when the caller names none: the finest that keeps a range within `targetPoints` buckets. */
const AUTO_STEPS_SECONDS = [1, 5, 15, 60, 360, 1_440, 10_080].map((minutes) => minutes * MINUTE_SECONDS);

export const autoStepSeconds = (rangeSeconds: number, targetPoints: number): number =>
  AUTO_STEPS_SECONDS.find((step) => rangeSeconds / step <= targetPoints) ?? (AUTO_STEPS_SECONDS.at(-1) as number);
