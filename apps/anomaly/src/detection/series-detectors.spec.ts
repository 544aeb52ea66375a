import { createDetector } from '@telemetry/anomaly';
import { describe, expect, it } from 'vitest';
import { SeriesDetectors } from './series-detectors';

const MINUTE_MS = 60_000;
const point = (series: string, index: number, value = 10 + (index % 3)) => ({ metric: 'm.x', series, atMs: index * MINUTE_MS, value });

describe('SeriesDetectors', () => {
  it('scores each series with its own detector, exactly as a lone detector would', () => {
    const detectors = new SeriesDetectors({ warmupPoints: 5 });
    const lone = createDetector({ warmupPoints: 5 });
    for (let index = 1; index <= 40; index++) {
      const mine = detectors.score('rollup', 0, point('a', index));
      detectors.score('rollup', 0, point('b', index, 1_000 + index));
      expect(mine).toEqual(lone.score(index * MINUTE_MS, point('a', index).value));
    }
    expect(detectors.size).toBe(2);
  });

  it.each([
    ['the same time again', 10],
    ['an earlier time', 3],
  ])('skips a point at %s as a replay', (_name, index) => {
    const detectors = new SeriesDetectors();
    for (let i = 1; i <= 10; i++) detectors.score('rollup', 0, point('a', i));
    const before = detectors.checkpointOf('rollup', 'm.x', 'a')!;
    expect(detectors.score('rollup', 0, point('a', index))).toBeNull();
    expect(detectors.checkpointOf('rollup', 'm.x', 'a')).toEqual(before);
  });

  it('keeps the rollup and raw detectors of one series apart', () => {
    const detectors = new SeriesDetectors();
    detectors.score('rollup', 0, point('a', 5));
    expect(detectors.score('raw', 3, point('a', 5))).not.toBeNull();
    expect(detectors.checkpointOf('raw', 'm.x', 'a')?.partition).toBe(3);
  });

  it('resumes from its checkpoint: the restored series scores the rest identically', () => {
    const original = new SeriesDetectors({ warmupPoints: 5 });
    for (let index = 1; index <= 30; index++) original.score('rollup', 1, point('a', index));
    const restored = new SeriesDetectors({ warmupPoints: 5 });
    expect(restored.restore(original.dirtyCheckpoints())).toEqual({ restored: 1, failed: [] });
    expect(restored.score('rollup', 1, point('a', 30))).toBeNull();
    for (let index = 31; index <= 60; index++) {
      const value = index === 50 ? 500 : 10 + (index % 3);
      expect(restored.score('rollup', 1, point('a', index, value))).toEqual(original.score('rollup', 1, point('a', index, value)));
    }
  });

  it('reports a checkpoint it cannot resume and does not track that series', () => {
    const detectors = new SeriesDetectors();
    const outcome = detectors.restore([{ metric: 'm.x', series: 'a', stream: 'rollup', partition: 0, state: { version: 99 }, lastAtMs: 5 }]);
    expect(outcome.restored).toBe(0);
    expect(outcome.failed).toEqual([{ metric: 'm.x', series: 'a', stream: 'rollup', error: expect.stringContaining('version 99') }]);
    expect(detectors.size).toBe(0);
  });

  it('lists only series changed since their checkpoint, and drops partitions it gave up', () => {
    const detectors = new SeriesDetectors();
    detectors.score('rollup', 0, point('a', 1));
    detectors.score('rollup', 1, point('b', 1));
    const dirty = detectors.dirtyCheckpoints();
    expect(dirty.map((checkpoint) => checkpoint.series).sort()).toEqual(['a', 'b']);
    detectors.markCheckpointed(dirty);
    expect(detectors.dirtyCheckpoints()).toEqual([]);
    detectors.score('rollup', 1, point('b', 2));
    expect(detectors.dirtyCheckpoints({ stream: 'rollup', partitions: [0] })).toEqual([]);
    expect(detectors.dirtyCheckpoints({ stream: 'rollup', partitions: [1] }).map((checkpoint) => checkpoint.series)).toEqual(['b']);
    expect(detectors.drop('rollup', [1])).toBe(1);
    expect(detectors.checkpointOf('rollup', 'm.x', 'b')).toBeUndefined();
    expect(detectors.size).toBe(1);
  });

  it('keeps a series dirty when it learned more after the snapshot was taken', () => {
    const detectors = new SeriesDetectors();
    detectors.score('rollup', 0, point('a', 1));
    const snapshot = detectors.dirtyCheckpoints();
    detectors.score('rollup', 0, point('a', 2));
    detectors.markCheckpointed(snapshot);
    expect(detectors.dirtyCheckpoints().map((checkpoint) => checkpoint.lastAtMs)).toEqual([2 * MINUTE_MS]);
  });
});
