import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SERVICES,
  createSource,
  defineMetric,
  graphql,
  postEvents,
  querySeries,
  scrapeMetric,
  seriesTotals,
  startStack,
  subscriptionClient,
  waitFor,
  type CreatedSource,
  type SentEvent,
  type Stack,
} from '@telemetry/test-support';

/**
 * A spike sent over HTTP reaches a GraphQL `anomalyDetected` subscription (graphql-ws) within 5 s,
 * through ingest → privacy → telemetry.clean.v1 → anomaly (raw points of a high-resolution metric,
 * scored by the warm statistical detector and the catalog's static `alert: { above }` rule) →
 * anomalies.v1 → the API. Latency is measured from just before the POST to the subscription's first
 * message for that spike, and printed.
 */

const DAY_MS = 86_400_000;
const LATENCY_BUDGET_MS = 5_000;
const METRIC = 'e2e.checkout.latency';
const ALERT_ABOVE_MS = 2_000;
// Ten minutes of one point a second: past the detector's warm-up (150 points) and enough history for
// its calibration to call a 40× spike rare (a 200-point history scores it 0.28, under the 0.3 bar).
const BASELINE_POINTS = 600;
const SPIKES_MS = [4_800, 5_200, 6_100];

interface ReceivedAnomaly {
  receivedAtMs: number;
  anomaly: { id: string; metric: string; series: string; at: string; value: number; expected: number | null; score: number; detector: string; severity: string };
}

const point = (value: number, timestamp: number): SentEvent => ({ id: randomUUID(), metric: METRIC, value, timestamp, attributes: { region: 'eu', host: 'web-1' } });

describe('a spike reaches the anomalyDetected subscription', () => {
  let stack: Stack;
  let source: CreatedSource;
  let client: Client;
  let unsubscribe: () => void = () => undefined;
  const received: ReceivedAnomaly[] = [];
  const subscriptionErrors: unknown[] = [];

  beforeAll(async () => {
    stack = await startStack({ services: ['api'] });
    // Only `above`: the API once refused an alert without `below` ("below must be a finite number").
    await defineMetric(stack, {
      name: METRIC,
      type: 'gauge',
      unit: 'ms',
      description: 'Time from the click on "Pay" to the order confirmation.',
      owner: 'payments',
      hypothesis: 'Checkout latency above 2 s loses customers.',
      action: 'Page the payments on-call; roll back the last release.',
      purpose: 'none',
      expires: new Date(Date.now() + 100 * DAY_MS).toISOString().slice(0, 10),
      attributes: ['region'],
      alert: { above: ALERT_ABOVE_MS },
      // Scored per raw point, not per closed minute, so a spike is seen within seconds.
      highResolution: true,
    });
    source = await createSource(stack, 'live-anomalies-e2e');
    // The workers read the catalog when they start: the anomaly service then knows the metric is high-resolution.
    for (const service of SERVICES.filter((name) => name !== 'api')) await stack.start(service);

    client = subscriptionClient(stack);
    unsubscribe = client.subscribe<{ anomalyDetected: ReceivedAnomaly['anomaly'] }>(
      {
        query: `subscription ($metric: String) { anomalyDetected(metric: $metric) { id metric series at value expected score detector severity } }`,
        variables: { metric: METRIC },
      },
      {
        next: (message) => {
          if (message.data) received.push({ receivedAtMs: performance.timeOrigin + performance.now(), anomaly: message.data.anomalyDetected });
          if (message.errors) subscriptionErrors.push(message.errors);
        },
        error: (error) => subscriptionErrors.push(error),
        complete: () => undefined,
      },
    );
    // The API counts open subscriptions: once it says 1, an anomaly published now reaches this one.
    await waitFor(async () => ((await scrapeMetric(stack, 'api', 'telemetry_api_anomaly_subscribers')) === 1 ? true : undefined), 10_000);
  });

  afterAll(async () => {
    unsubscribe();
    await client?.dispose();
    await stack?.stopAll();
  });

  it('defines the metric with an above-only alert, as given', async () => {
    const { metric } = await graphql<{ metric: { alert: unknown; highResolution: boolean } }>(stack, `query ($n: String!) { metric(name: $n) { alert { above below } highResolution } }`, {
      n: METRIC,
    });
    expect(metric).toEqual({ alert: { above: ALERT_ABOVE_MS, below: null }, highResolution: true });
  });

  it('scores a normal baseline without raising anything', async () => {
    const rawPointsScored = () => scrapeMetric(stack, 'anomaly', 'anomaly_points_scored_total', { stream: 'raw' });
    const scoredBefore = (await rawPointsScored()) ?? 0;
    const startMs = Date.now() - BASELINE_POINTS * 1_000;
    const baseline = Array.from({ length: BASELINE_POINTS }, (_, index) => point(120 + 15 * Math.sin(index / 3) + (index % 4), startMs + index * 1_000));
    expect((await postEvents(stack, source.apiKey, baseline)).status).toBe(202);
    // The anomaly service's own counter says when it has scored them: from then on silence means "normal".
    await waitFor(async () => (((await rawPointsScored()) ?? 0) >= scoredBefore + BASELINE_POINTS ? true : undefined), 20_000);
    await expect.poll(async () => seriesTotals(await querySeries(stack, METRIC)).count, { timeout: 20_000, interval: 250 }).toBe(BASELINE_POINTS);
    expect(subscriptionErrors).toEqual([]);
    expect(received).toEqual([]);
  });

  it(`delivers each spike to the subscription within ${LATENCY_BUDGET_MS} ms of being sent`, async () => {
    const latenciesMs: number[] = [];
    for (const spikeMs of SPIKES_MS) {
      const sentAtMs = performance.timeOrigin + performance.now();
      expect((await postEvents(stack, source.apiKey, [point(spikeMs, Date.now())])).status).toBe(202);
      // Waits past the budget, so a slow arrival is measured and reported rather than just missed.
      const arrival = await waitFor(async () => received.find((one) => one.anomaly.value === spikeMs), LATENCY_BUDGET_MS + 5_000, 10);
      latenciesMs.push(Math.round(arrival.receivedAtMs - sentAtMs));
      expect(arrival.anomaly).toMatchObject({ metric: METRIC, series: 'region=eu' });
    }
    const byDetector = (detector: string) => received.filter((one) => one.anomaly.detector === detector);
    process.stdout.write(
      `spike → anomalyDetected latency: ${JSON.stringify({ latenciesMs, maxMs: Math.max(...latenciesMs), detectorScores: received.map((one) => [one.anomaly.detector, one.anomaly.score]) })}\n`,
    );
    for (const latencyMs of latenciesMs) expect(latencyMs).toBeLessThan(LATENCY_BUDGET_MS);
    // The static rule pages on every spike; the detector on the first (it then holds back repeated alarms).
    expect(byDetector('static').map((one) => one.anomaly)).toEqual(
      SPIKES_MS.map((value) => expect.objectContaining({ value, expected: ALERT_ABOVE_MS, score: 1, severity: 'critical' }) as unknown),
    );
    expect(byDetector('spike').map((one) => one.anomaly.value)).toContain(SPIKES_MS[0]);
    expect(subscriptionErrors).toEqual([]);
    // Nothing but the spikes was raised (the baseline was scored before them: same partition), and each is also in the API's history.
    expect(new Set(received.map((one) => one.anomaly.value))).toEqual(new Set(SPIKES_MS));
    const { anomalies } = await graphql<{ anomalies: { edges: Array<{ node: { id: string; value: number } }> } }>(
      stack,
      `query ($m: String) { anomalies(metric: $m, first: 50) { edges { node { id value } } } }`,
      { m: METRIC },
    );
    expect(anomalies.edges.map((edge) => edge.node.id)).toEqual(expect.arrayContaining(received.map((one) => one.anomaly.id)));
  });
});
