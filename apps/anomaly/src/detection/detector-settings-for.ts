import type { DetectorConfig } from '@telemetry/anomaly';
import type { MetricDefinition } from '@telemetry/contracts';

/** One occurrence: the resolution of a count. */
export const COUNT_NOISE_FLOOR = 1;

/** A counter or event in unit '1' counts occurrences (failed logins, dead letters, crashes). */
const countsOccurrences = (definition: MetricDefinition | undefined): boolean =>
  definition !== undefined && (definition.type === 'counter' || definition.type === 'event') && definition.unit === '1';

/**
 * The detector settings a metric's definition implies, over ANOMALY_DETECTOR_CONFIG. A count of
 * occurrences gets a noise floor of one occurrence per point (libs/anomaly `noiseFloor`): after a
 * quiet, all-zero history its spread is nothing, and one mistyped key would score 1 and open an
 * incident; with the floor a deviation of one occurrence is no deviation, the spread is at least
 * one, and only several at once (a burst) stand out. Anything else has no floor: its own data sets
 * its spread.
 */
export const detectorSettingsFor = (definition: MetricDefinition | undefined): Partial<DetectorConfig> => ({
  noiseFloor: countsOccurrences(definition) ? COUNT_NOISE_FLOOR : 0,
});
