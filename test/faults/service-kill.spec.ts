import { startStack, type ServiceName, type Stack } from '@telemetry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAULT_SESSION_TIMEOUT_MS,
  locateLost,
  missingIds,
  readCounter,
  reportFaultCase,
  seriesCount,
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
 * kill -9 of each service in turn while events stream in through HTTP ingest, then a restart: every
 * event ingest acknowledged (202) is one row of data_points, counted again through GraphQL `series`,
 * and every planted value is one anomaly. One stack for all cases; each case has its own metric.
 */

const EVENTS = 24_000;
/** 16 lanes × 6 requests of 250 events with a pause between: the stream lasts a few seconds. */
const EVENTS_PER_REQUEST = 250;
const PAUSE_MS = 400;
const PLANT_EVERY = 500;
/** The kill lands once this share of the case's events has reached the killed service. */
const KILL_AT = 0.3;

interface KillCase {
  service: Exclude<ServiceName, 'api'>;
  /** How far the service has got with the case's events. */
  progress: (stack: Stack, idPrefix: string, acknowledged: () => number) => Promise<number>;
}

const CASES: KillCase[] = [
  { service: 'privacy', progress: (stack) => readCounter(stack.ports.privacy, 'privacy_events_in_total') },
  { service: 'processor', progress: (stack, idPrefix) => storedRows(stack, idPrefix) },
  { service: 'anomaly', progress: (stack) => readCounter(stack.ports.anomaly, 'anomaly_points_scored_total', 'stream="raw"') },
  // Only 202-acknowledged events count: what ingest took in when it died is sent again by the client.
  { service: 'ingest', progress: async (_stack, _idPrefix, acknowledged) => acknowledged() },
];

describe('kill -9 of a service mid-stream', () => {
  let stack: Stack;
  let setup: FaultSetup;

  beforeAll(async () => {
    stack = await startStack({
      extraEnv: { LOG_LEVEL: 'warn', INGEST_RATE_LIMIT_EVENTS_PER_SECOND: '0', MINING_INTERVAL_MS: '0', KAFKA_SESSION_TIMEOUT_MS: FAULT_SESSION_TIMEOUT_MS },
    });
    const metrics = CASES.map((entry) => `fault.${entry.service}`);
    setup = await setUpFaults(stack, metrics);
    await warmUp(stack, setup, metrics);
  });

  afterAll(async () => {
    await setup?.close();
    await stack?.stopAll();
  });

  for (const { service, progress } of CASES) {
    it(`${service}: loses no acknowledged event and stores none twice`, async () => {
      const metric = `fault.${service}`;
      const idPrefix = `${service}-kill-`;
      // Counters are cumulative over the earlier cases: measure from here.
      const baseline = await progress(stack, idPrefix, () => 0);
      const stream = startStream(stack, setup, { metric, idPrefix, events: EVENTS, eventsPerRequest: EVENTS_PER_REQUEST, pauseMs: PAUSE_MS, plantEvery: PLANT_EVERY });
      const atKill = await waitForProgress(async () => (await progress(stack, idPrefix, () => stream.progress.acknowledged.size)) - baseline, EVENTS * KILL_AT);
      await stack.kill(service);
      const acknowledgedAtKill = stream.progress.acknowledged.size;
      await stack.start(service);
      const { acknowledged, planted, retries, startMs } = await stream.finished;

      const counts = await settleAndCount(stack, idPrefix, acknowledged);
      const series = await seriesCount(stack, metric, startMs);
      const anomalies = await waitForPlantedAnomalies(stack, metric, planted);
      reportFaultCase(`${service}-kill`, {
        acknowledged: acknowledged.size,
        stored: counts.rows,
        lost: counts.lost,
        duplicated: counts.duplicated,
        seriesCount: series,
        plantedAnomalies: planted.length,
        storedAnomalies: anomalies,
        acknowledgedAtKill,
        retriedRequests: retries,
      });
      // The kill landed mid-stream: the service had some of the events, not all.
      expect(atKill).toBeLessThan(EVENTS);
      expect(acknowledged.size).toBe(EVENTS);
      if (counts.lost > 0) process.stdout.write(`faults: ${await locateLost(stack, await missingIds(stack, idPrefix, acknowledged))}\n`);
    expect(counts).toEqual({ rows: EVENTS, distinctIds: EVENTS, lost: 0, duplicated: 0 });
      expect(series).toBe(EVENTS);
      expect(planted.length).toBe(EVENTS / PLANT_EVERY);
      expect(anomalies).toBe(planted.length);
    });
  }
});
