import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVICES, createSource, graphql, postEvents, startStack, waitFor, type CreatedSource, type Stack } from '@telemetry/test-support';

/**
 * Self-monitoring from the outside: the services report their own figures as telemetry.self.*
 * metrics, and the pipeline turns them into incidents like any other data. A burst of requests with
 * bad API keys opens an auth_failures incident; a source that sent steadily and stops opens a
 * source_volume incident for that source. Only HTTP and GraphQL are used.
 *
 * Time is compressed with documented settings, not test hooks: the services report every
 * 300 ms (SELF_TELEMETRY_INTERVAL_MS), and the detector warms up on 100 points
 * (ANOMALY_DETECTOR_CONFIG; it needs 50 before it judges anything, and a drop rule waits for it),
 * i.e. about 30 s instead of 25 minutes at the default 10 s and 150 points. Not fewer: a count's
 * noise floor (one occurrence) makes a burst's score depend on how much history the detector has
 * calibrated on, and with only a few points past the 50th a burst that two reports split (say 11
 * then 49 failures) could stay below the threshold; with 100, no split of the 60 over two reports
 * did in a simulation of the detector. A source's volume
 * is its rate over the last 1.5 s instead of 5 minutes (SELF_TELEMETRY_VOLUME_WINDOW_MS). The
 * catalog is examples/metrics.yaml as it ships: source_volume's rule is a 90 % drop below the
 * source's own level, for sources usually above 0.1 event/s.
 */

const root = join(__dirname, '..', '..');
const REPORT_INTERVAL_MS = 300;
const VOLUME_WINDOW_MS = 1_500;
const WARMUP_POINTS = 100;
/** Enough reports for the detectors of the sender's series to be past warm-up, with a margin. */
const WARM_AFTER_MS = (WARMUP_POINTS + 15) * REPORT_INTERVAL_MS;
const INCIDENT_TIMEOUT_MS = 20_000;

const AUTH_FAILURES = 'telemetry.self.auth_failures';
const SOURCE_VOLUME = 'telemetry.self.source_volume';

interface IncidentNode {
  metric: string;
  series: string;
  status: string;
  severity: string;
  openedAt: string;
}
interface AnomalyNode {
  metric: string;
  series: string;
  at: string;
  value: number;
  expected: number | null;
  detector: string;
}

/** `catalog:apply --yes examples/metrics.yaml` against the stack's database and topics, as `npm start` does. */
const applyExampleCatalog = async (stack: Stack) => {
  await promisify(execFile)(
    process.execPath,
    ['-r', '@swc-node/register', join(root, 'libs/admin/cli/catalog-apply.ts'), '--yes', join(root, 'examples/metrics.yaml')],
    { cwd: root, env: { ...process.env, ...stack.env } },
  );
};

const incidentsOf = async (stack: Stack, metric: string): Promise<IncidentNode[]> => {
  const { incidents } = await graphql<{ incidents: { edges: Array<{ node: IncidentNode }> } }>(
    stack,
    '{ incidents(first: 100) { edges { node { metric series status severity openedAt } } } }',
  );
  return incidents.edges.map((edge) => edge.node).filter((incident) => incident.metric === metric);
};

const anomaliesOf = async (stack: Stack, metric: string): Promise<AnomalyNode[]> => {
  const { anomalies } = await graphql<{ anomalies: { edges: Array<{ node: AnomalyNode }> } }>(
    stack,
    'query ($metric: String!) { anomalies(metric: $metric, first: 100) { edges { node { metric series at value expected detector } } } }',
    { metric },
  );
  return anomalies.edges.map((edge) => edge.node);
};

/**
 * `lanes` loops each sending a batch every `everyMs` until stopped; stop() resolves with when the
 * last one ended. Several lanes, so that one slow request (a loaded machine) does not leave a whole
 * report interval without events, which would be a real drop.
 */
const startSteadySender = (stack: Stack, source: CreatedSource, lanes: number, eventsPerRequest: number, everyMs: number) => {
  let stopped = false;
  const failures: number[] = [];
  const lane = async () => {
    while (!stopped) {
      const events = Array.from({ length: eventsPerRequest }, (_, i) => ({
        id: randomUUID(),
        metric: 'server.cpu.utilization',
        value: 40 + i,
        timestamp: Date.now(),
        attributes: { host: 'web-1', region: 'eu-west', service: 'checkout' },
      }));
      const answer = await postEvents(stack, source.apiKey, events);
      if (answer.status !== 202) failures.push(answer.status);
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  };
  const done = Promise.all(Array.from({ length: lanes }, lane)).then(() => Date.now());
  return {
    failures,
    stop: async () => {
      stopped = true;
      return done;
    },
  };
};

describe('self-monitoring: the services\' own figures open incidents', () => {
  let stack: Stack;
  let source: CreatedSource;
  let sender: ReturnType<typeof startSteadySender>;
  let burstStartedAt: number;
  let stoppedAt: number;
  /** Where the wall-clock time goes (printed once at the end: the stack's start-up dominates on a loaded machine). */
  const phasesMs: Record<string, number> = {};
  const timed = async <T>(phase: string, work: () => Promise<T>): Promise<T> => {
    const startedMs = Date.now();
    try {
      return await work();
    } finally {
      phasesMs[phase] = Date.now() - startedMs;
    }
  };

  beforeAll(async () => {
    stack = await timed('apiStartMs', () =>
      startStack({
        services: ['api'],
        extraEnv: {
          SELF_TELEMETRY_INTERVAL_MS: String(REPORT_INTERVAL_MS),
          SELF_TELEMETRY_VOLUME_WINDOW_MS: String(VOLUME_WINDOW_MS),
          ANOMALY_DETECTOR_CONFIG: JSON.stringify({ warmupPoints: WARMUP_POINTS }),
        },
      }),
    );
    await timed('catalogApplyMs', () => applyExampleCatalog(stack));
    await timed('workersStartMs', () => Promise.all(SERVICES.filter((name) => name !== 'api').map((service) => stack.start(service))));
    source = await createSource(stack, `steady-${randomUUID().slice(0, 8)}`);
    // Several hundred events/s, far above the rule's dropFrom (0.1/s), with the jitter of real timers.
    sender = startSteadySender(stack, source, 2, 10, 30);
    await timed('warmupMs', () => new Promise((resolve) => setTimeout(resolve, WARM_AFTER_MS)));
  }, 180_000);

  afterAll(async () => {
    await sender?.stop();
    await stack?.stopAll();
    process.stdout.write(`self-monitoring phases: ${JSON.stringify(phasesMs)}\n`);
  });

  it('a source that sent steadily and stops opens a source_volume incident for that source', async () => {
    stoppedAt = await sender.stop();
    expect(sender.failures).toEqual([]);
    const series = `source=${source.id}`;
    const incident = await timed('volumeIncidentAfterStopMs', () =>
      waitFor(async () => (await incidentsOf(stack, SOURCE_VOLUME)).find((i) => i.series === series), INCIDENT_TIMEOUT_MS, 250),
    );
    expect(incident.status).toBe('OPEN');
    // Opened by the drop rule judged against this source's own level, once it had stopped.
    const drops = (await anomaliesOf(stack, SOURCE_VOLUME)).filter((a) => a.series === series && a.detector === 'static');
    expect(drops.length).toBeGreaterThan(0);
    for (const drop of drops) {
      expect(Date.parse(drop.at)).toBeGreaterThanOrEqual(stoppedAt - 2 * REPORT_INTERVAL_MS);
      expect(drop.value).toBeLessThan(0.1 * (drop.expected ?? 0));
    }
    // Told against the source's own level (what its detector expected as the rate fell), far above
    // the dropFrom floor (0.1/s) under which quiet sources are never judged.
    expect(Math.max(...drops.map((drop) => drop.expected ?? 0))).toBeGreaterThan(1);
  });

  it('a burst of requests with bad API keys opens an auth_failures incident for ingest', async () => {
    burstStartedAt = Date.now();
    const badKeys = Array.from({ length: 60 }, () => `tk_${randomUUID().slice(0, 8)}.${randomUUID()}`);
    const statuses = await Promise.all(badKeys.map(async (key) => (await postEvents(stack, key, [])).status));
    expect(new Set(statuses)).toEqual(new Set([401]));

    const incident = await timed('authIncidentAfterBurstMs', () =>
      waitFor(async () => (await incidentsOf(stack, AUTH_FAILURES)).find((i) => i.series === 'reason=invalid_key,service=ingest'), INCIDENT_TIMEOUT_MS, 250),
    );
    expect(incident.status).toBe('OPEN');
    // It was the burst that the detector flagged, not noise before it.
    const anomalies = (await anomaliesOf(stack, AUTH_FAILURES)).filter((a) => a.series === incident.series);
    expect(anomalies.every((a) => Date.parse(a.at) >= burstStartedAt - REPORT_INTERVAL_MS)).toBe(true);
    expect(anomalies.some((a) => a.value > 0)).toBe(true);
    // The API saw no failed authentication: its series has no incident.
    expect((await incidentsOf(stack, AUTH_FAILURES)).filter((i) => i.series.includes('service=api'))).toEqual([]);
  });
});
