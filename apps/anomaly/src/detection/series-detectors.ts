import { createDetector, restoreDetector, type Detector, type DetectorConfig, type PointScore } from '@telemetry/anomaly';
import type { DetectorStream, ScoredPoint } from './to-scored-points';

/** One row of detector_state: a series' detector as JSON and the last point it learned. */
export interface SeriesCheckpoint {
  metric: string;
  series: string;
  stream: DetectorStream;
  partition: number;
  state: unknown;
  lastAtMs: number | null;
}

interface TrackedSeries {
  metric: string;
  series: string;
  stream: DetectorStream;
  partition: number;
  detector: Detector;
  lastAtMs: number | null;
  dirty: boolean;
}

export interface RestoreOutcome {
  restored: number;
  /** Checkpoints that could not be resumed (stale version, damaged JSON): those series start over. */
  failed: { metric: string; series: string; stream: DetectorStream; error: string }[];
}

// Metric names cannot contain '|', so stream|metric|series is unambiguous whatever the series holds.
const keyOf = (stream: DetectorStream, metric: string, series: string) => `${stream}|${metric}|${series}`;

/**
 * The detectors this instance owns, one per (stream, metric, series), grouped by the Kafka
 * partition that carries the series. No I/O: the service loads and saves the checkpoints.
 */
export class SeriesDetectors {
  private readonly tracked = new Map<string, TrackedSeries>();

  /**
   * `settingsFor` gives the settings a series' metric implies (its noise floor); they override
   * `detectorConfig`, and are re-applied to restored checkpoints so a change reaches old series.
   */
  constructor(
    private readonly detectorConfig: Partial<DetectorConfig> = {},
    private readonly settingsFor: (metric: string) => Partial<DetectorConfig> = () => ({}),
  ) {}

  get size(): number {
    return this.tracked.size;
  }

  /** Replaces whatever is held for these series with their checkpoints. */
  restore(checkpoints: readonly SeriesCheckpoint[]): RestoreOutcome {
    const outcome: RestoreOutcome = { restored: 0, failed: [] };
    for (const checkpoint of checkpoints) {
      const key = keyOf(checkpoint.stream, checkpoint.metric, checkpoint.series);
      try {
        const detector = restoreDetector(checkpoint.state, this.settingsFor(checkpoint.metric));
        this.tracked.set(key, { ...checkpoint, detector, dirty: false });
        outcome.restored += 1;
      } catch (error) {
        this.tracked.delete(key);
        outcome.failed.push({
          metric: checkpoint.metric,
          series: checkpoint.series,
          stream: checkpoint.stream,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return outcome;
  }

  /**
   * Scores a point with its series' detector (created on first sight). A point at or before the
   * last one learned is a replay (at-least-once delivery, or a restart behind the checkpoint) and
   * returns null: learning it twice would skew the baseline and re-report its anomaly.
   */
  score(stream: DetectorStream, partition: number, point: ScoredPoint): PointScore | null {
    const key = keyOf(stream, point.metric, point.series);
    let entry = this.tracked.get(key);
    if (!entry) {
      const detector = createDetector({ ...this.detectorConfig, ...this.settingsFor(point.metric) });
      entry = { metric: point.metric, series: point.series, stream, partition, detector, lastAtMs: null, dirty: true };
      this.tracked.set(key, entry);
    }
    if (entry.lastAtMs !== null && point.atMs <= entry.lastAtMs) return null;
    entry.partition = partition;
    entry.lastAtMs = point.atMs;
    entry.dirty = true;
    return entry.detector.score(point.atMs, point.value);
  }

  /** Snapshots of every series changed since its last checkpoint. */
  dirtyCheckpoints(partitions?: { stream: DetectorStream; partitions: readonly number[] }): SeriesCheckpoint[] {
    const snapshots: SeriesCheckpoint[] = [];
    for (const entry of this.tracked.values()) {
      if (!entry.dirty) continue;
      if (partitions && (entry.stream !== partitions.stream || !partitions.partitions.includes(entry.partition))) continue;
      snapshots.push(toCheckpoint(entry));
    }
    return snapshots;
  }

  markCheckpointed(checkpoints: readonly SeriesCheckpoint[]): void {
    for (const checkpoint of checkpoints) {
      const entry = this.tracked.get(keyOf(checkpoint.stream, checkpoint.metric, checkpoint.series));
      // Only if nothing was learned since the snapshot; otherwise the next checkpoint carries it.
      if (entry && entry.lastAtMs === checkpoint.lastAtMs) entry.dirty = false;
    }
  }

  /** Forgets the series of partitions this instance no longer owns (or must reload). */
  drop(stream: DetectorStream, partitions: readonly number[]): number {
    let dropped = 0;
    for (const [key, entry] of this.tracked) {
      if (entry.stream === stream && partitions.includes(entry.partition)) {
        this.tracked.delete(key);
        dropped += 1;
      }
    }
    return dropped;
  }

  /** The checkpoint of one series as it is now (tests and diagnostics). */
  checkpointOf(stream: DetectorStream, metric: string, series: string): SeriesCheckpoint | undefined {
    const entry = this.tracked.get(keyOf(stream, metric, series));
    return entry ? toCheckpoint(entry) : undefined;
  }
}

const toCheckpoint = (entry: TrackedSeries): SeriesCheckpoint => ({
  metric: entry.metric,
  series: entry.series,
  stream: entry.stream,
  partition: entry.partition,
  state: entry.detector.state(),
  lastAtMs: entry.lastAtMs,
});
