/**
 * libs/anomaly — streaming anomaly detection for one series at a time: a seasonal robust baseline
 * (period found in the data or configured), spike, volatility (anomaly likelihood) and level-shift (CUSUM) detectors, combined
 * into one calibrated score in [0, 1] with alarm suppression; state as plain JSON for checkpoints.
 * Pure: imports only @telemetry/contracts; never Nest, kafkajs, pg, TypeORM or node:fs.
 */
export { createDetector, DETECTOR_STATE_VERSION } from './create-detector';
export type { Detector, DetectorName, DetectorPart, DetectorStateJson, PointScore } from './create-detector';
export { restoreDetector } from './restore-detector';
export { DEFAULT_DETECTOR_CONFIG, resolveDetectorConfig } from './resolve-detector-config';
export type { DetectorConfig } from './resolve-detector-config';
export { CRITICAL_SCORE, severityForScore, WARNING_SCORE } from './severity-for-score';
