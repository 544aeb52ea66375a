/**
 * `npm run bench:scaleout`: what a second instance of the workers buys. For 1 and 2 instances each of
 * privacy and the processor (one consumer group per service, 4 partitions), in the same run: a
 * backlog of BENCH_EVENTS (default 300,000) events is written straight onto telemetry.raw.v1 (as a
 * Kafka producer may) once the workers have joined their groups, and the time until every event is
 * a row of data_points is measured, along with the workers' CPU time (from /proc). Configurations
 * run in the order 1, 2, 2, 1 (BENCH_ROUNDS=2) so that a machine getting busier or quieter during
 * the run favours neither. Ends with one JSON line.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { applyMetricDefinition } from '@telemetry/admin';
import { BatchProducer, type OutgoingMessage } from '@telemetry/kafka';
import { startStack, testKafka, waitFor, type Stack } from '@telemetry/test-support';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 300_000);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 2);
const PARTITIONS = 4;
const EVENTS_PER_ENVELOPE = 1_000;
/** Envelopes are keyed by source: 16 of them spread the backlog over the partitions. */
const SOURCES = 16;
const METRIC = 'bench.scaleout.load';
const WORKERS = ['privacy', 'processor'] as const;
const DAY_MS = 86_400_000;
/** Linux clock ticks per second, the unit of utime/stime in /proc/<pid>/stat. */
const CLOCK_TICKS_PER_SECOND = 100;

const log = (line: string) => process.stdout.write(`${line}\n`);

const cpuMsOf = (pids: readonly number[]): number =>
  pids.reduce((total, pid) => {
    // Fields after the command name (which is in parentheses and may contain spaces): utime is the 12th, stime the 13th.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return total + ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1_000;
  }, 0);

const workerPids = (stack: Stack) => WORKERS.flatMap((worker) => stack.pids(worker));

const storedRows = async (stack: Stack): Promise<number> =>
  Number((await stack.db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM data_points WHERE metric = $1`, [METRIC])).rows[0]?.n);

const envelopes = (round: number, nowMs: number): OutgoingMessage[] => {
  const messages: OutgoingMessage[] = [];
  for (let first = 0; first < EVENTS; first += EVENTS_PER_ENVELOPE) {
    const sourceId = `bench-source-${(first / EVENTS_PER_ENVELOPE) % SOURCES}`;
    const events = [];
    for (let index = first; index < Math.min(first + EVENTS_PER_ENVELOPE, EVENTS); index += 1) {
      events.push({ id: `so-${round}-${index}`, metric: METRIC, value: (index % 997) + 0.5, timestamp: nowMs - (index % 600) * 1_000, attributes: { region: ['eu', 'us', 'ap'][index % 3] } });
    }
    messages.push({ key: sourceId, value: JSON.stringify({ sourceId, receivedAt: new Date(nowMs).toISOString(), events }) });
  }
  return messages;
};

interface Measurement {
  instances: number;
  eventsPerSec: number;
  /** From the first stored row to the last (without the time the backlog took to be written). */
  drainEventsPerSec: number;
  cpuMsPer1kEvents: number;
}

const measure = async (instances: number, round: number): Promise<Measurement> => {
  const stack = await startStack({
    services: WORKERS,
    instances: { privacy: instances, processor: instances },
    partitions: PARTITIONS,
    extraEnv: { LOG_LEVEL: 'warn', MINING_INTERVAL_MS: '0' },
  });
  const producer = await BatchProducer.connect(testKafka(stack.env['KAFKA_BROKERS']));
  try {
    await applyMetricDefinition(
      { pool: stack.db.pool, producer, catalogTopic: stack.topics.catalog },
      {
        name: METRIC,
        type: 'histogram',
        unit: 'ms',
        description: 'Scale-out benchmark load.',
        owner: 'bench',
        hypothesis: 'A second instance of the workers raises throughput.',
        action: 'Add partitions and replicas where it does.',
        purpose: 'none',
        expires: new Date(Date.now() + 100 * DAY_MS).toISOString().slice(0, 10),
        attributes: ['region'],
      },
      'bench',
    );
    // Warm-up: one event through both stages (catalog known), and every instance a member of its group.
    const warm = { sourceId: 'warm', receivedAt: new Date().toISOString(), events: [{ id: `warm-${round}`, metric: METRIC, value: 1, timestamp: Date.now() }] };
    await producer.send([{ topic: stack.topics.raw, messages: [{ key: 'warm', value: JSON.stringify(warm) }] }]);
    await waitFor(async () => ((await storedRows(stack)) === 1 ? true : undefined), 90_000, 200);
    await waitForGroups(stack, instances);

    const backlog = envelopes(round, Date.now());
    const startedMs = Date.now();
    const cpuAtStartMs = cpuMsOf(workerPids(stack));
    await producer.send([{ topic: stack.topics.raw, messages: backlog }]);
    await waitFor(async () => ((await storedRows(stack)) >= EVENTS + 1 ? true : undefined), 600_000, 200);
    const cpuMs = cpuMsOf(workerPids(stack)) - cpuAtStartMs;
    const { rows } = await stack.db.pool.query<{ first: Date; last: Date }>(
      `SELECT min(stored_at) AS first, max(stored_at) AS last FROM data_points WHERE metric = $1 AND event_id LIKE 'so-%'`,
      [METRIC],
    );
    const last = rows[0]!.last.getTime();
    const measurement: Measurement = {
      instances,
      eventsPerSec: EVENTS / ((last - startedMs) / 1_000),
      drainEventsPerSec: EVENTS / ((last - rows[0]!.first.getTime()) / 1_000),
      cpuMsPer1kEvents: (cpuMs / EVENTS) * 1_000,
    };
    log(
      `${instances} instance(s) of privacy + processor: ${Math.round(measurement.eventsPerSec).toLocaleString('en')} events/s ` +
        `(first to last row ${Math.round(measurement.drainEventsPerSec).toLocaleString('en')} events/s), ${measurement.cpuMsPer1kEvents.toFixed(1)} worker CPU ms per 1,000 events`,
    );
    return measurement;
  } finally {
    await producer.disconnect();
    await stack.stopAll();
  }
};

/** Both groups stable with every instance a member that owns partitions: no rebalance in the measured window. */
const waitForGroups = async (stack: Stack, instances: number): Promise<void> => {
  const admin = testKafka(stack.env['KAFKA_BROKERS']).admin();
  await admin.connect();
  try {
    const groupIds = [`privacy${stack.suffix}`, stack.env['PROCESSOR_GROUP_ID'] as string];
    await waitFor(async () => {
      const { groups } = await admin.describeGroups(groupIds);
      return groups.every((group) => group.state === 'Stable' && group.members.length === instances) ? true : undefined;
    }, 60_000, 200);
  } finally {
    await admin.disconnect();
  }
};

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;

const main = async () => {
  log(`bench:scaleout: ${EVENTS.toLocaleString('en')} events per run, ${PARTITIONS} partitions, ${ROUNDS} round(s) of 1 and 2 instances`);
  const order = Array.from({ length: ROUNDS }, (_, round) => (round % 2 === 0 ? [1, 2] : [2, 1])).flat();
  const results: Measurement[] = [];
  for (const [index, instances] of order.entries()) results.push(await measure(instances, index));
  const of = (instances: number, key: keyof Measurement) => mean(results.filter((result) => result.instances === instances).map((result) => result[key]));
  const one = of(1, 'eventsPerSec');
  const two = of(2, 'eventsPerSec');
  log(`speed-up with 2 instances: ×${(two / one).toFixed(2)} (2 cores shared with Kafka, PostgreSQL and other work: see the README)`);
  log(
    JSON.stringify({
      bench: 'scaleout',
      events: EVENTS,
      partitions: PARTITIONS,
      rounds: ROUNDS,
      cores: cpus().length,
      oneInstanceEventsPerSec: Math.round(one),
      twoInstancesEventsPerSec: Math.round(two),
      speedupRatio: Number((two / one).toFixed(3)),
      oneInstanceDrainEventsPerSec: Math.round(of(1, 'drainEventsPerSec')),
      twoInstancesDrainEventsPerSec: Math.round(of(2, 'drainEventsPerSec')),
      oneInstanceCpuMsPer1kEvents: Number(of(1, 'cpuMsPer1kEvents').toFixed(1)),
      twoInstancesCpuMsPer1kEvents: Number(of(2, 'cpuMsPer1kEvents').toFixed(1)),
      loadAverage1m: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
    }),
  );
};

main().catch((error: unknown) => {
  process.stderr.write(`bench:scaleout failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
