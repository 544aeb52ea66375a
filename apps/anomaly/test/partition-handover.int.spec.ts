import type { RollupRecord } from '@telemetry/contracts';
import { BatchProducer, type TopicNames } from '@telemetry/kafka';
import { createTestDatabase, testKafka, waitFor, type TestDatabase } from '@telemetry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AnomalyConfig } from '../src/config';
import type { SeriesCheckpoint } from '../src/detection/series-detectors';
import {
  anomalyTestConfig,
  createTopicsWithRetry,
  MINUTE_MS,
  noise,
  rollupRecord,
  sendRollups,
  separatingThreshold,
  startAnomalyService,
  type RunningAnomalyService,
} from './anomaly-test-kit';

const METRIC = 'api.latency';
const SERIES = Array.from({ length: 8 }, (_, index) => `host=h${index}`);
const LEARNED_POINTS = 250;
const SPIKE_VALUE = 5_000;

describe('a partition moving between two instances of one group', () => {
  let db: TestDatabase;
  let topics: TopicNames;
  let producer: BatchProducer;
  let config: AnomalyConfig;
  const instances: RunningAnomalyService[] = [];
  const t0 = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - (LEARNED_POINTS + 10) * MINUTE_MS;
  const at = (index: number) => t0 + index * MINUTE_MS;
  const random = noise(11);
  const means = SERIES.map(() => Array.from({ length: LEARNED_POINTS }, () => 50 + (random() - 0.5) * 4));

  beforeAll(async () => {
    const kafka = testKafka();
    const created = await createTopicsWithRetry(kafka, 2);
    topics = created.topics;
    db = await createTestDatabase();
    producer = await BatchProducer.connect(kafka);
    config = anomalyTestConfig({
      KAFKA_TOPIC_SUFFIX: created.suffix,
      DATABASE_URL: db.url,
      ANOMALY_CONSUMER_GROUP: `anomaly-handover${created.suffix}`,
      // Only the revocation checkpoint can carry the state across: no periodic one during the test.
      ANOMALY_CHECKPOINT_INTERVAL_MS: String(60 * MINUTE_MS),
      INCIDENT_QUIET_PERIOD_MS: String(60 * MINUTE_MS),
      ANOMALY_SCORE_THRESHOLD: String(
        separatingThreshold(
          means.map((values) => ({ points: [...values, SPIKE_VALUE].map((value, index) => ({ atMs: at(index), value })), spikeIndex: LEARNED_POINTS })),
        ),
      ),
    });
  });

  afterAll(async () => {
    for (const instance of instances) await instance.stop();
    await producer?.disconnect();
    await db?.drop();
  });

  it('carries the series state to the new owner, which scores the next spike without warming up again', async () => {
    const first = await startAnomalyService(config);
    instances.push(first);
    const records: RollupRecord[] = [];
    for (let index = 0; index < LEARNED_POINTS; index++) {
      SERIES.forEach((series, seriesIndex) => records.push(rollupRecord(METRIC, series, at(index), means[seriesIndex]![index]!)));
    }
    await sendRollups(producer, topics.rollup, records);
    const before = await waitFor(async () => {
      const states = SERIES.map((series) => first.service.detectors.checkpointOf('rollup', METRIC, series));
      return states.every((state) => state?.lastAtMs === at(LEARNED_POINTS - 1)) ? (states as SeriesCheckpoint[]) : undefined;
    }, 30_000);
    expect(first.service.ownedPartitions().filter((name) => name.startsWith('rollup:'))).toEqual(['rollup:0', 'rollup:1']);

    const second = await startAnomalyService(config);
    instances.push(second);
    const moved = await waitFor(async () => {
      const secondOwns = second.service.ownedPartitions().filter((name) => name.startsWith('rollup:'));
      const firstOwns = first.service.ownedPartitions().filter((name) => name.startsWith('rollup:'));
      return secondOwns.length === 1 && firstOwns.length === 1 && firstOwns[0] !== secondOwns[0] ? secondOwns[0] : undefined;
    }, 45_000);
    const movedPartition = Number(moved!.split(':')[1]);

    const movedSeries = before.filter((checkpoint) => checkpoint.partition === movedPartition);
    const stayedSeries = before.filter((checkpoint) => checkpoint.partition !== movedPartition);
    expect(movedSeries.length).toBeGreaterThan(0);
    for (const checkpoint of movedSeries) {
      expect(second.service.detectors.checkpointOf('rollup', METRIC, checkpoint.series)?.state).toEqual(checkpoint.state);
      expect(first.service.detectors.checkpointOf('rollup', METRIC, checkpoint.series)).toBeUndefined();
    }
    for (const checkpoint of stayedSeries) expect(second.service.detectors.checkpointOf('rollup', METRIC, checkpoint.series)).toBeUndefined();
    const { rows } = await db.pool.query<{ series: string; partition: number; last_at: Date }>(
      `SELECT series, partition, last_at FROM detector_state WHERE metric = $1 AND stream = 'rollup' AND partition = $2 ORDER BY series`,
      [METRIC, movedPartition],
    );
    expect(rows.map((row) => row.series)).toEqual(movedSeries.map((checkpoint) => checkpoint.series).sort());
    expect(rows.every((row) => row.last_at.getTime() === at(LEARNED_POINTS - 1))).toBe(true);

    // A spike right after the move: a detector that started over would still be warming up and say nothing.
    const target = movedSeries[0]!.series;
    const spikeAt = at(LEARNED_POINTS);
    await sendRollups(producer, topics.rollup, [rollupRecord(METRIC, target, spikeAt, SPIKE_VALUE)]);
    const anomaly = await waitFor(async () => {
      const result = await db.pool.query<{ detector: string; score: number }>(
        `SELECT detector, score FROM anomalies WHERE metric = $1 AND series = $2 AND at = $3`,
        [METRIC, target, new Date(spikeAt)],
      );
      return result.rows[0];
    }, 20_000);
    expect(anomaly.detector).not.toBe('static');
    expect(anomaly.score).toBeGreaterThanOrEqual(config.ANOMALY_SCORE_THRESHOLD);
    const scored = second.service.detectors.checkpointOf('rollup', METRIC, target)!.state as { points: number };
    expect(scored.points).toBe(LEARNED_POINTS + 1);
  });
});
