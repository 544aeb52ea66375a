import type { Pool } from 'pg';
import type { SeriesCheckpoint } from './series-detectors';
import type { DetectorStream } from './to-scored-points';

// Detector states are tens of kilobytes each: bounded statements keep one checkpoint from becoming one huge query.
const ROWS_PER_STATEMENT = 200;

interface DetectorStateRow {
  metric: string;
  series: string;
  stream: DetectorStream;
  partition: number;
  state: unknown;
  last_at: Date | null;
}

/** detector_state: one checkpoint per (metric, series, stream), found by the partition that carries it. */
export class DetectorStateRepository {
  constructor(private readonly pool: Pool) {}

  async load(stream: DetectorStream, partitions: readonly number[]): Promise<SeriesCheckpoint[]> {
    if (partitions.length === 0) return [];
    const { rows } = await this.pool.query<DetectorStateRow>(
      `SELECT metric, series, stream, partition, state, last_at FROM detector_state WHERE stream = $1 AND partition = ANY($2::int[])`,
      [stream, partitions],
    );
    return rows.map((row) => ({
      metric: row.metric,
      series: row.series,
      stream: row.stream,
      partition: row.partition,
      state: row.state,
      lastAtMs: row.last_at === null ? null : row.last_at.getTime(),
    }));
  }

  /**
   * Upserts checkpoints. A row already holding a later point is kept: a previous owner that
   * checkpoints late, after the partition moved on, must not roll the new owner's state back.
   */
  async save(checkpoints: readonly SeriesCheckpoint[]): Promise<number> {
    let written = 0;
    for (let start = 0; start < checkpoints.length; start += ROWS_PER_STATEMENT) {
      const chunk = checkpoints.slice(start, start + ROWS_PER_STATEMENT).map((checkpoint) => ({
        metric: checkpoint.metric,
        series: checkpoint.series,
        stream: checkpoint.stream,
        partition: checkpoint.partition,
        state: checkpoint.state,
        last_at: checkpoint.lastAtMs === null ? null : new Date(checkpoint.lastAtMs).toISOString(),
      }));
      const result = await this.pool.query(
        `INSERT INTO detector_state AS d (metric, series, stream, partition, state, last_at, updated_at)
         SELECT x.metric, x.series, x.stream, x.partition, x.state, x.last_at, now()
           FROM jsonb_to_recordset($1::jsonb) AS x(metric text, series text, stream text, partition int, state jsonb, last_at timestamptz)
         ON CONFLICT (metric, series, stream) DO UPDATE
           SET partition = EXCLUDED.partition, state = EXCLUDED.state, last_at = EXCLUDED.last_at, updated_at = now()
           WHERE d.last_at IS NULL OR EXCLUDED.last_at >= d.last_at`,
        [JSON.stringify(chunk)],
      );
      written += result.rowCount ?? 0;
    }
    return written;
  }
}
