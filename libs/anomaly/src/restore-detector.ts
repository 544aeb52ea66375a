import { createDetectorFromState, DETECTOR_STATE_VERSION } from './create-detector';
import type { Detector, DetectorStateJson } from './create-detector';
import { resolveDetectorConfig, type DetectorConfig } from './resolve-detector-config';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const REQUIRED_SECTIONS = ['interval', 'periodSearch', 'baseline', 'spike', 'volatility', 'levelShift', 'calibration', 'suppression'] as const;

/**
 * Resumes a detector from DetectorStateJson (e.g. a detector_state row). The JSON is checked for
 * version and shape so that a stale or foreign checkpoint fails loudly instead of scoring garbage.
 * `overrides` replace checkpointed settings that come from outside the series' history (a metric's
 * noise floor), so a change to them reaches series that were checkpointed before it.
 */
export function restoreDetector(stateJson: unknown, overrides: Partial<DetectorConfig> = {}): Detector {
  if (!isRecord(stateJson)) throw new TypeError('detector state must be a JSON object');
  if (stateJson.version !== DETECTOR_STATE_VERSION) {
    throw new TypeError(`detector state version ${String(stateJson.version)} is not supported (expected ${DETECTOR_STATE_VERSION})`);
  }
  if (!isRecord(stateJson.config)) throw new TypeError('detector state has no config');
  for (const section of REQUIRED_SECTIONS) {
    if (!isRecord(stateJson[section])) throw new TypeError(`detector state is missing section "${section}"`);
  }
  if (typeof stateJson.points !== 'number') throw new TypeError('detector state has no point count');
  const config = resolveDetectorConfig({ ...(stateJson.config as Partial<DetectorConfig>), ...overrides });
  const copy = structuredClone(stateJson) as unknown as DetectorStateJson;
  copy.config = config;
  return createDetectorFromState(copy);
}
