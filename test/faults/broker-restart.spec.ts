import { startStack, type Stack } from '@telemetry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_SESSION_TIMEOUT_MS, locateLost, missingIds, reportFaultCase, settleAndCount, setUpFaults, startStream, waitForPlantedAnomalies, waitForProgress, warmUp, type FaultSetup } from './fault-kit';
import { startPrivateBroker, type PrivateBroker } from './private-broker';

/**
 * The Kafka broker stopped and restarted while events stream in through HTTP ingest. Ingest answers
 * 503 while it cannot get acknowledgements; the sender retries like a real client. Every event ingest
 * acknowledged (202) must end up as exactly one row, and every planted value as one anomaly.
 * The broker is a private one (deploy/local/kafka/start.sh on free ports): the shared one is never stopped.
 */

const EVENTS = 24_000;
const EVENTS_PER_REQUEST = 250;
const PAUSE_MS = 400;
const PLANT_EVERY = 500;
const METRIC = 'fault.broker';
const SERVICES = ['ingest', 'privacy', 'processor', 'anomaly'] as const;
/** Long enough for every client to notice: ingest answers 503, consumers lose their connections. */
const OUTAGE_MS = 3_000;

describe('Kafka broker restart mid-stream', () => {
  let broker: PrivateBroker;
  let stack: Stack;
  let setup: FaultSetup;

  beforeAll(async () => {
    broker = await startPrivateBroker();
    stack = await startStack({
      kafkaBrokers: broker.brokers,
      services: SERVICES,
      extraEnv: { LOG_LEVEL: 'warn', INGEST_RATE_LIMIT_EVENTS_PER_SECOND: '0', MINING_INTERVAL_MS: '0', KAFKA_SESSION_TIMEOUT_MS: FAULT_SESSION_TIMEOUT_MS },
    });
    setup = await setUpFaults(stack, [METRIC]);
    await warmUp(stack, setup, [METRIC]);
  });

  afterAll(async () => {
    await setup?.close().catch(() => undefined);
    await stack?.stopAll();
    await broker?.destroy();
  });

  it('loses no acknowledged event and stores none twice', async () => {
    const idPrefix = 'broker-restart-';
    const stream = startStream(stack, setup, { metric: METRIC, idPrefix, events: EVENTS, eventsPerRequest: EVENTS_PER_REQUEST, pauseMs: PAUSE_MS, plantEvery: PLANT_EVERY });
    const atStop = await waitForProgress(async () => stream.progress.acknowledged.size, EVENTS * 0.3);
    const outageStartedMs = Date.now();
    await broker.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    await broker.start();
    const outageMs = Date.now() - outageStartedMs;
    const { acknowledged, planted, retries } = await stream.finished;

    const counts = await settleAndCount(stack, idPrefix, acknowledged, 60_000);
    const anomalies = await waitForPlantedAnomalies(stack, METRIC, planted);
    reportFaultCase('broker-restart', {
      acknowledged: acknowledged.size,
      stored: counts.rows,
      lost: counts.lost,
      duplicated: counts.duplicated,
      plantedAnomalies: planted.length,
      storedAnomalies: anomalies,
      acknowledgedAtStop: atStop,
      retriedRequests: retries,
      outageMs,
    });
    expect(atStop).toBeLessThan(EVENTS);
    // The outage was felt: some requests were refused and sent again.
    expect(retries).toBeGreaterThan(0);
    expect(acknowledged.size).toBe(EVENTS);
    if (counts.lost > 0) process.stdout.write(`faults: ${await locateLost(stack, await missingIds(stack, idPrefix, acknowledged))}\n`);
    expect(counts).toEqual({ rows: EVENTS, distinctIds: EVENTS, lost: 0, duplicated: 0 });
    expect(anomalies).toBe(planted.length);
    // Every service rode out the outage without exiting.
    for (const service of SERVICES) expect(stack.running(service)).toEqual([0]);
  });
});
