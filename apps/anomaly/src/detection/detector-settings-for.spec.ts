import type { MetricDefinition } from '@telemetry/contracts';
import { selfMetricDefinition } from '@telemetry/kafka';
import { describe, expect, it } from 'vitest';
import { detectorSettingsFor } from './detector-settings-for';
import { scorePoints } from './score-points';
import { SeriesDetectors } from './series-detectors';

const REPORT_MS = 10_000;
const AUTH_FAILURES = 'telemetry.self.auth_failures';
const measured = (type: MetricDefinition['type'], unit: string): MetricDefinition => ({ name: 'm', type, unit, description: 'd', attributes: [] });

describe('detectorSettingsFor', () => {
  it.each([
    ['a counter of occurrences', measured('counter', '1'), 1],
    ['an event', measured('event', '1'), 1],
    ['telemetry.self.auth_failures', selfMetricDefinition(AUTH_FAILURES), 1],
    ['a counter of bytes', measured('counter', 'By'), 0],
    ['a gauge in unit 1 (a ratio, a depth)', measured('gauge', '1'), 0],
    ['a metric the catalog does not know', undefined, 0],
  ])('%s → noise floor %s', (_case, definition, noiseFloor) => {
    expect(detectorSettingsFor(definition)).toEqual({ noiseFloor });
  });
});

describe('failed authentications on a quiet deployment', () => {
  const context = { stream: 'raw' as const, partition: 0, threshold: 0.3, definitionOf: selfMetricDefinition };
  const detectorsForCatalog = () => new SeriesDetectors({}, (metric) => detectorSettingsFor(selfMetricDefinition(metric)));
  const reports = (values: readonly number[], fromIndex = 0) =>
    values.map((value, index) => ({ metric: AUTH_FAILURES, series: 'reason=invalid_key,service=ingest', atMs: (fromIndex + index + 1) * REPORT_MS, value }));
  const zeros = Array<number>(700).fill(0);

  it('opens nothing for one mistyped key, and finds the burst that follows', () => {
    const detectors = detectorsForCatalog();
    expect(scorePoints(detectors, reports([...zeros, 1, 0, 0]), context).findings).toEqual([]);
    const burst = scorePoints(detectors, reports([60], zeros.length + 3), context);
    expect(burst.findings.map((finding) => [finding.point.value, finding.severity])).toEqual([[60, 'critical']]);
  });

  it('would have opened an incident for the one mistyped key without the floor', () => {
    expect(scorePoints(new SeriesDetectors(), reports([...zeros, 1]), context).findings.map((finding) => finding.point.value)).toEqual([1]);
  });
});
