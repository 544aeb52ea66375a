import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { DEFAULT_DETECTOR_CONFIG } from '@telemetry/anomaly';

/**
 * `npm run demo` (or `npm start -- --demo`): a simulated fleet that talks to the stack only the way
 * real senders do — GraphQL to create sources and record consent, HTTP /v1/events for app users,
 * OTLP/HTTP (the official OpenTelemetry SDK) for servers, and a plain Kafka producer onto
 * telemetry.raw.v1. It first backfills a few hours of history (so detectors are warm and rollups
 * exist), with anomalies planted at known times after the detectors' warm-up, then keeps sending
 * live data and injects a spike every few minutes. A third of the app users never consent: their
 * events must never be stored.
 */
const INGEST = process.env['INGEST_URL'] ?? `http://127.0.0.1:${process.env['INGEST_PORT'] ?? '4318'}`;
const API = process.env['API_URL'] ?? `http://127.0.0.1:${process.env['API_PORT'] ?? '4000'}`;
const ADMIN_TOKEN = process.env['TELEMETRY_ADMIN_TOKEN'] ?? '';
const BROKERS = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
const RAW_TOPIC = `telemetry.raw.v1${process.env['KAFKA_TOPIC_SUFFIX'] ?? ''}`;
const USERS = Number(process.env['DEMO_USERS'] ?? 300);
const HOSTS = 8;
// One rollup point per series and minute: the detectors score nothing during their first
// warmupPoints points, so the history must be longer than that for the planted anomalies to count.
const BACKFILL_MINUTES = Number(process.env['DEMO_BACKFILL_MINUTES'] ?? DEFAULT_DETECTOR_CONFIG.warmupPoints + 60);
const MINUTE_MS = 60_000;

type Attributes = Record<string, string | number | boolean>;
interface DemoEvent { id: string; metric: string; value: number; timestamp: number; subjectId?: string; attributes?: Attributes }

const log = (message: string, fields: Record<string, unknown> = {}) =>
  process.stdout.write(`${JSON.stringify({ at: new Date().toISOString(), message, ...fields })}\n`);

const graphql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
  const response = await fetch(`${API}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length) throw new Error(`GraphQL: ${body.errors.map((e) => e.message).join('; ')}`);
  return body.data as T;
};

const waitFor = async (url: string) => {
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  throw new Error(`${url} did not become ready`);
};

const pick = <T>(items: readonly T[], n: number): T => items[Math.abs(n) % items.length] as T;
const noise = (scale: number) => (Math.random() - 0.5) * 2 * scale;
const regions = ['eu-west', 'us-east', 'ap-south'] as const;
const versions = ['2.3.1', '2.3.2', '2.4.0'] as const;
const users = Array.from({ length: USERS }, (_, i) => ({
  subjectId: `demo-user-${String(i).padStart(4, '0')}`,
  consented: i % 3 !== 0,
  // Not i % 3 (the consent rule): every region and version must have consenting users, or the
  // anomalies planted in one would never be stored.
  region: pick(regions, Math.floor(i / 2)),
  appVersion: pick(versions, Math.floor(i / 4)),
  platform: i % 2 === 0 ? 'ios' : 'android',
}));

/** The planted anomalies, in minutes before the live phase starts (negative = in the backfill), all after the warm-up. */
const PLANTED = {
  checkoutSpikeAt: -40,
  cpuLevelShiftFrom: -50,
  brokenReleaseFrom: -30,
  providerOutageFrom: -20,
  providerOutageMinutes: 5,
};
/**
 * No errors or crashes outside the planted ones: at about 40 consented checkouts a minute a single
 * error is a 2.5 % error rate, above the catalog's static alerts (checkout.error_rate above 1 %,
 * mobile.crash_rate above 0.5 %), so any baseline would open incidents of its own.
 */
const OUTAGE_ERROR_PROBABILITY = 0.2;
const BROKEN_RELEASE_CRASH_PROBABILITY = 0.3;
/** Live spikes in the minutes 1, 5, 9, … after the backfill: the first is scored about two minutes after the live phase starts. */
const LIVE_SPIKE_EVERY_MINUTES = 4;

/** One minute of app-user events at `minuteStart` (epoch ms), with the planted anomalies applied. */
const userEvents = (minuteStart: number, minutesFromLive: number, spike: boolean): DemoEvent[] => {
  const events: DemoEvent[] = [];
  const daily = Math.sin((2 * Math.PI * (minuteStart % 86_400_000)) / 86_400_000);
  for (const user of users.slice(0, Math.min(users.length, 60))) {
    const timestamp = minuteStart + Math.floor(Math.random() * MINUTE_MS);
    const latency = 420 + 80 * daily + noise(60) + (spike && user.region === 'eu-west' ? 2_600 : 0);
    events.push({ id: randomUUID(), metric: 'checkout.latency', value: Math.max(5, latency), timestamp, subjectId: user.subjectId, attributes: { region: user.region, app_version: user.appVersion } });
    events.push({ id: randomUUID(), metric: 'checkout.requests', value: 1, timestamp, subjectId: user.subjectId, attributes: { region: user.region, host: `web-${user.region}` } });
    const outage = minutesFromLive >= PLANTED.providerOutageFrom && minutesFromLive < PLANTED.providerOutageFrom + PLANTED.providerOutageMinutes;
    if (outage && Math.random() < OUTAGE_ERROR_PROBABILITY) {
      events.push({ id: randomUUID(), metric: 'checkout.errors', value: 1, timestamp, subjectId: user.subjectId, attributes: { region: user.region, host: `web-${user.region}`, provider: 'acme-pay' } });
    }
    const brokenRelease = minutesFromLive >= PLANTED.brokenReleaseFrom && user.appVersion === '2.4.0';
    events.push({ id: randomUUID(), metric: 'mobile.sessions', value: 1, timestamp, subjectId: user.subjectId, attributes: { platform: user.platform, app_version: user.appVersion } });
    if (brokenRelease && Math.random() < BROKEN_RELEASE_CRASH_PROBABILITY) {
      events.push({ id: randomUUID(), metric: 'mobile.crashes', value: 1, timestamp, subjectId: user.subjectId, attributes: { platform: user.platform, app_version: user.appVersion, device_id: `dev-${user.subjectId.slice(-4)}` } });
    }
    events.push({ id: randomUUID(), metric: 'mobile.app_start', value: Math.max(50, 900 + noise(200) + (brokenRelease ? 700 : 0)), timestamp, subjectId: user.subjectId, attributes: { platform: user.platform, app_version: user.appVersion, region: user.region, device_model: user.platform === 'ios' ? 'iphone-15' : 'pixel-8' } });
  }
  return events;
};

/** Server gauges, sent straight onto Kafka as another producer would. */
const serverEvents = (minuteStart: number, minutesFromLive: number): DemoEvent[] =>
  Array.from({ length: HOSTS }, (_, host) => {
    const shifted = host === 3 && minutesFromLive >= PLANTED.cpuLevelShiftFrom;
    const events: DemoEvent[] = [
      { id: randomUUID(), metric: 'server.cpu.utilization', value: Math.min(100, 35 + host * 2 + noise(4) + (shifted ? 40 : 0)), timestamp: minuteStart + 30_000, attributes: { host: `host-${host}`, region: pick(regions, host), service: 'checkout' } },
      { id: randomUUID(), metric: 'server.memory.used', value: 2_000 + host * 100 + noise(50), timestamp: minuteStart + 30_000, attributes: { host: `host-${host}`, service: 'checkout' } },
    ];
    return events;
  }).flat();

const postEvents = async (apiKey: string, events: DemoEvent[]) => {
  for (let i = 0; i < events.length; i += 1_000) {
    const response = await fetch(`${INGEST}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ events: events.slice(i, i + 1_000) }),
    });
    if (response.status === 429) {
      await new Promise((resolve) => setTimeout(resolve, Number(response.headers.get('retry-after') ?? 1) * 1_000));
      i -= 1_000;
      continue;
    }
    if (response.status !== 202) log('ingest refused a batch', { status: response.status, body: await response.text() });
  }
};

/** Servers also report through the unmodified OpenTelemetry SDK, over OTLP/HTTP. */
const startOtlpReporter = async (apiKey: string) => {
  const { MeterProvider, PeriodicExportingMetricReader } = await import('@opentelemetry/sdk-metrics');
  const { AggregationTemporalityPreference, OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-http');
  const exporter = new OTLPMetricExporter({
    url: `${INGEST}/v1/metrics`,
    headers: { authorization: `Bearer ${apiKey}` },
    temporalityPreference: AggregationTemporalityPreference.DELTA,
  });
  const provider = new MeterProvider({ readers: [new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 10_000 })] });
  const meter = provider.getMeter('demo-fleet');
  // Counters only: an OTLP histogram arrives pre-aggregated as <name>.count/.sum/.bucket events,
  // which a catalog would have to declare one by one (the catalog's histograms take raw values).
  // Delta temporality: each export carries the increase since the last, which is what rollups add up.
  const requests = meter.createCounter('api.requests');
  const errors = meter.createCounter('api.errors');
  const timer = setInterval(() => {
    for (const route of ['/cart', '/checkout', '/search']) {
      const region = pick(regions, route.length);
      requests.add(20 + Math.floor(Math.random() * 10), { route, status_class: '2xx', region });
      errors.add(Math.random() < 0.02 ? 1 : 0, { route, region }); // ~0.1 % of requests: api.availability stays above its 99.5 % alert
    }
  }, 5_000);
  return async () => {
    clearInterval(timer);
    await provider.shutdown();
  };
};

const main = async () => {
  await Promise.all([waitFor(`${INGEST}/readyz`), waitFor(`${API}/readyz`)]);
  const created = await graphql<{ createSource: { apiKey: string; source: { id: string } } }>(
    'mutation($name: String!) { createSource(name: $name) { apiKey source { id name } } }',
    { name: `demo-fleet-${Date.now()}` },
  );
  const { apiKey, source } = created.createSource;
  log('demo source created', { sourceId: source.id });

  for (const user of users.filter((u) => u.consented)) {
    await graphql('mutation($s: String!, $p: [PurposeGrant!]!) { recordConsent(subjectId: $s, purposes: $p) { subject } }', {
      s: user.subjectId,
      p: [{ purpose: 'performance', granted: true }, { purpose: 'analytics', granted: true }],
    });
  }
  log('consent recorded', { consented: users.filter((u) => u.consented).length, withoutConsent: users.filter((u) => !u.consented).length });
  // The privacy filter follows consent.v1 live; give it a moment before the first consented events.
  await new Promise((resolve) => setTimeout(resolve, 3_000));

  const kafka = new Kafka({ brokers: BROKERS, clientId: 'demo-fleet', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const sendToKafka = (events: DemoEvent[]) =>
    producer.send({ topic: RAW_TOPIC, acks: -1, messages: [{ key: source.id, value: JSON.stringify({ sourceId: source.id, receivedAt: new Date().toISOString(), events }) }] });

  const liveStart = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  log('backfilling history', { minutes: BACKFILL_MINUTES, planted: PLANTED });
  for (let minute = -BACKFILL_MINUTES; minute < 0; minute++) {
    const minuteStart = liveStart + minute * MINUTE_MS;
    await postEvents(apiKey, userEvents(minuteStart, minute, minute === PLANTED.checkoutSpikeAt));
    await sendToKafka(serverEvents(minuteStart, minute));
  }
  log(`backfill done; live traffic from now on (a checkout spike every ${LIVE_SPIKE_EVERY_MINUTES} minutes)`);

  const stopOtlp = await startOtlpReporter(apiKey);
  let stopping = false;
  let wakeUp = () => {};
  const stop = () => {
    stopping = true;
    wakeUp();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  for (let tick = 0; !stopping; tick++) {
    const now = Date.now();
    const minutesFromLive = Math.floor((now - liveStart) / MINUTE_MS);
    const spike = minutesFromLive % LIVE_SPIKE_EVERY_MINUTES === 1;
    // A minute's worth of traffic spread over 6 ticks of 10 s.
    const events = userEvents(now - MINUTE_MS + 1, minutesFromLive, spike).filter((_, i) => i % 6 === tick % 6);
    await postEvents(apiKey, events.map((e) => ({ ...e, timestamp: now })));
    if (tick % 6 === 0) await sendToKafka(serverEvents(now - 30_000, minutesFromLive));
    if (spike && tick % 6 === 0) log('injected a checkout.latency spike in eu-west', { minute: minutesFromLive });
    // Ctrl-C wakes the loop at once instead of after the tick.
    await new Promise<void>((resolve) => {
      wakeUp = resolve;
      setTimeout(resolve, 10_000);
    });
  }
  // The stack stops with us: a last OTLP export would wait out its timeout against a closed port.
  await Promise.race([stopOtlp(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
  await producer.disconnect();
  process.exit(0);
};

main().catch((error: unknown) => {
  log('demo failed', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
