import { startStack, testKafka, waitFor, type Stack } from '@telemetry/test-support';
import { AssignerProtocol, type Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAULT_SESSION_TIMEOUT_MS,
  locateLost,
  missingIds,
  readCounter,
  reportFaultCase,
  settleAndCount,
  setUpFaults,
  startStream,
  storedRows,
  waitForPlantedAnomalies,
  waitForProgress,
  warmUp,
  type FaultSetup,
} from './fault-kit';

/**
 * Two instances of each worker (privacy, processor, anomaly) in one consumer group share the
 * partitions; one instance of each is stopped mid-stream (SIGTERM, a scale-in), and the other takes
 * its partitions over: every acknowledged event is stored exactly once, and the anomaly detector of
 * every series has scored every one of its points exactly once across the two owners — a series whose
 * state were not handed over would have started learning again, with fewer points.
 */

const EVENTS = 32_000;
const EVENTS_PER_REQUEST = 250;
const PAUSE_MS = 400;
const PLANT_EVERY = 500;
const METRIC = 'fault.scale';
const WORKERS = ['privacy', 'processor', 'anomaly'] as const;
type Worker = (typeof WORKERS)[number];
const PROGRESS_COUNTERS: Record<Worker, [name: string, labels?: string]> = {
  privacy: ['privacy_events_in_total'],
  processor: ['processor_rows_written_total'],
  anomaly: ['anomaly_points_scored_total', 'stream="raw"'],
};

/** Each member of a group with the partitions it owns of `topic`. */
const membersOf = async (admin: Admin, groupId: string, topic: string): Promise<number[][]> => {
  const { groups } = await admin.describeGroups([groupId]);
  const group = groups[0];
  if (!group || group.state !== 'Stable') return [];
  return group.members.map((member) => {
    const decoded = AssignerProtocol.MemberAssignment.decode(member.memberAssignment);
    return [...(decoded?.assignment[topic] ?? [])].sort((a, b) => a - b);
  });
};

describe('two instances of each worker, then one', () => {
  let stack: Stack;
  let setup: FaultSetup;
  let admin: Admin;
  let groups: Record<Worker, { groupId: string; topic: string }>;

  beforeAll(async () => {
    stack = await startStack({
      services: ['ingest', 'privacy', 'processor', 'anomaly'],
      instances: { privacy: 2, processor: 2, anomaly: 2 },
      extraEnv: {
        LOG_LEVEL: 'warn',
        INGEST_RATE_LIMIT_EVENTS_PER_SECOND: '0',
        MINING_INTERVAL_MS: '0',
        KAFKA_SESSION_TIMEOUT_MS: FAULT_SESSION_TIMEOUT_MS,
        // No periodic checkpoint during the test: only the handover at revocation can carry the state.
        ANOMALY_CHECKPOINT_INTERVAL_MS: String(60 * 60_000),
      },
    });
    admin = testKafka(stack.env['KAFKA_BROKERS']).admin();
    await admin.connect();
    groups = {
      privacy: { groupId: `privacy${stack.suffix}`, topic: stack.topics.raw },
      processor: { groupId: stack.env['PROCESSOR_GROUP_ID'] as string, topic: stack.topics.clean },
      anomaly: { groupId: stack.env['ANOMALY_CONSUMER_GROUP'] as string, topic: stack.topics.clean },
    };
    setup = await setUpFaults(stack, [METRIC]);
    await warmUp(stack, setup, [METRIC]);
  });

  afterAll(async () => {
    await admin?.disconnect();
    await setup?.close();
    await stack?.stopAll();
  });

  /** Waits until the group is stable with `members` members that all own partitions, and returns their partitions. */
  const assignment = (worker: Worker, members: number) =>
    waitFor(
      async () => {
        const owned = await membersOf(admin, groups[worker].groupId, groups[worker].topic);
        return owned.length === members && owned.every((partitions) => partitions.length > 0) ? owned : undefined;
      },
      60_000,
      250,
    );

  it('shares the partitions, hands them over without loss or duplicates, and carries the detector state', async () => {
    const shared = Object.fromEntries(await Promise.all(WORKERS.map(async (worker) => [worker, await assignment(worker, 2)] as const)));
    for (const worker of WORKERS) expect(shared[worker]!.flat().sort()).toEqual([0, 1, 2, 3]);

    const idPrefix = 'scale-out-';
    const stream = startStream(stack, setup, { metric: METRIC, idPrefix, events: EVENTS, eventsPerRequest: EVENTS_PER_REQUEST, pauseMs: PAUSE_MS, plantEvery: PLANT_EVERY });
    const storedAtStop = await waitForProgress(() => storedRows(stack, idPrefix), EVENTS * 0.4);
    // What each instance did while both ran: both took part, not one of them alone.
    const workDone = Object.fromEntries(
      await Promise.all(
        WORKERS.map(async (worker) => {
          const [name, labels] = PROGRESS_COUNTERS[worker];
          return [worker, await Promise.all(stack.instancePorts[worker].map((port) => readCounter(port, name, labels)))] as const;
        }),
      ),
    );
    await Promise.all(WORKERS.map((worker) => stack.stop(worker, 1)));
    const alone = Object.fromEntries(await Promise.all(WORKERS.map(async (worker) => [worker, await assignment(worker, 1)] as const)));
    const { acknowledged, perHost, planted } = await stream.finished;

    const counts = await settleAndCount(stack, idPrefix, acknowledged);
    const anomalies = await waitForPlantedAnomalies(stack, METRIC, planted);
    // The survivor checkpoints every series at shutdown: the state it holds is then in detector_state.
    await stack.stop('anomaly');
    const { rows: states } = await stack.db.pool.query<{ series: string; partition: number; points: string }>(
      `SELECT series, partition, state->>'points' AS points FROM detector_state WHERE metric = $1 AND stream = 'raw' AND series <> 'host=warm'`,
      [METRIC],
    );
    const movedPartitions = new Set(shared['anomaly']![1]);
    const moved = states.filter((state) => movedPartitions.has(state.partition));
    const pointsOf = (series: string) => perHost.get(series.replace('host=', '')) ?? 0;
    const seriesWithEveryPoint = states.filter((state) => Number(state.points) === pointsOf(state.series)).length;

    reportFaultCase('scale-out', {
      acknowledged: acknowledged.size,
      stored: counts.rows,
      lost: counts.lost,
      duplicated: counts.duplicated,
      plantedAnomalies: planted.length,
      storedAnomalies: anomalies,
      storedAtStop,
      series: states.length,
      seriesMoved: moved.length,
      seriesWithEveryPointScored: seriesWithEveryPoint,
      ...Object.fromEntries(WORKERS.map((worker) => [`${worker}WorkBeforeStop`, workDone[worker]!.join('+')])),
    });
    expect(storedAtStop).toBeLessThan(EVENTS);
    for (const worker of WORKERS) {
      expect(alone[worker]).toEqual([[0, 1, 2, 3]]);
      for (const done of workDone[worker]!) expect(done).toBeGreaterThan(0);
    }
    expect(acknowledged.size).toBe(EVENTS);
    if (counts.lost > 0) process.stdout.write(`faults: ${await locateLost(stack, await missingIds(stack, idPrefix, acknowledged))}\n`);
    expect(counts).toEqual({ rows: EVENTS, distinctIds: EVENTS, lost: 0, duplicated: 0 });
    expect(anomalies).toBe(planted.length);
    expect(states.length).toBe(perHost.size);
    expect(moved.length).toBeGreaterThan(0);
    // Each series' detector scored each of its points once, across both owners.
    expect(states.map((state) => [state.series, Number(state.points)])).toEqual(states.map((state) => [state.series, pointsOf(state.series)]));
  });
});
