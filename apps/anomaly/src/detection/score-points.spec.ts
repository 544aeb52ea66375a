import { createDetector } from '@telemetry/anomaly';
import type { MetricDefinition } from '@telemetry/contracts';
import { describe, expect, it } from 'vitest';
import { scorePoints } from './score-points';
import { SeriesDetectors } from './series-detectors';

const MINUTE_MS = 60_000;
const definitions: Record<string, MetricDefinition> = {
  'queue.depth': { name: 'queue.depth', type: 'gauge', description: 'Depth', attributes: [], alert: { above: 50 } },
  'api.latency': { name: 'api.latency', type: 'gauge', description: 'Latency', attributes: [] },
  'source.volume': { name: 'source.volume', type: 'counter', description: 'Events', attributes: [], alert: { dropPercent: 90, dropFrom: 10 } },
};
const context = { stream: 'rollup' as const, partition: 0, threshold: 0.6, definitionOf: (metric: string) => definitions[metric] };
const series = (metric: string, values: number[]) => values.map((value, index) => ({ metric, series: '', atMs: (index + 1) * MINUTE_MS, value }));

describe('scorePoints', () => {
  it('applies static rules from the first point, while the detector is still warming up', () => {
    const outcome = scorePoints(new SeriesDetectors(), series('queue.depth', [10, 75, 12]), context);
    expect(outcome.scored).toBe(3);
    expect(outcome.findings).toEqual([
      { point: { metric: 'queue.depth', series: '', atMs: 2 * MINUTE_MS, value: 75 }, expected: 50, score: 1, detector: 'static', severity: 'critical' },
    ]);
  });

  it('reports a drop against the series\' own level once the detector is warm, not during warm-up', () => {
    const steady = Array.from({ length: 60 }, (_, index) => 200 + (index % 3) * 10);
    const stopped = [...steady, 0, 0];
    const detectors = new SeriesDetectors({ warmupPoints: 0 });
    const outcome = scorePoints(detectors, series('source.volume', stopped), { ...context, threshold: 1.01 });
    const drops = outcome.findings.filter((finding) => finding.detector === 'static');
    expect(drops.map((finding) => finding.point.atMs)).toEqual([61 * MINUTE_MS, 62 * MINUTE_MS]);
    expect(drops[0]!.expected).toBeGreaterThan(190);

    // The same stop after 10 points: the detector has no baseline yet, so the rule stays silent.
    const early = scorePoints(new SeriesDetectors({ warmupPoints: 0 }), series('source.volume', [...steady.slice(0, 10), 0]), { ...context, threshold: 1.01 });
    expect(early.findings).toEqual([]);
  });

  it('reports what scores at or above the threshold, with the detector that scored it', () => {
    const values = Array.from({ length: 400 }, (_, index) => 100 + ((index * 7919) % 11) - 5);
    values.push(5_000);
    const points = series('api.latency', values);
    // The same points through a lone detector: the threshold sits between the spike and everything before it.
    const lone = createDetector({ warmupPoints: 50 });
    const scores = points.map((point) => lone.score(point.atMs, point.value).score);
    const spikeScore = scores[scores.length - 1]!;
    const threshold = (Math.max(...scores.slice(0, -1)) + spikeScore) / 2;
    expect(spikeScore).toBeGreaterThan(threshold);

    const outcome = scorePoints(new SeriesDetectors({ warmupPoints: 50 }), points, { ...context, threshold });
    expect(outcome.findings).toHaveLength(1);
    expect(outcome.findings[0]).toMatchObject({ point: points[400], score: spikeScore, detector: expect.not.stringMatching(/^(static|warmup)$/) });
  });

  it('reports nothing during warm-up, however low the threshold', () => {
    const values = [100, 100, 100, 5_000, 100, -5_000, 100, 100];
    const outcome = scorePoints(new SeriesDetectors({ warmupPoints: 50 }), series('api.latency', values), { ...context, threshold: Number.MIN_VALUE });
    expect(outcome).toEqual({ findings: [], scored: values.length, replays: 0 });
  });

  it('counts points it already learned as replays and scores nothing for them', () => {
    const detectors = new SeriesDetectors();
    scorePoints(detectors, series('queue.depth', [10, 75, 12]), context);
    const again = scorePoints(detectors, series('queue.depth', [10, 75, 12]), context);
    expect(again).toEqual({ findings: [], scored: 0, replays: 3 });
  });
});
