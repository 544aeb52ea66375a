/**
 * npm run bench:privacy — events/s through the privacy filter's pure path (validation, catalog
 * decisions, consent, budget, minimization, scrubbing, pseudonymization) on one core, over
 * realistic envelopes of 1,000 events: most subjects consented, a few attribute values with PII.
 * Also reports the same path with JSON decode/encode of the envelopes, the same path with a
 * pseudonym memory that starts empty every round (each of the 10,000 subjects costs one HMAC per
 * round), and event validation alone (a reference that moves with the machine's load, since this
 * machine is shared). Rates are per CPU-second of this process (process.cpuUsage: every thread,
 * GC and JIT included); wall-clock rates are reported beside them, and the load average with them.
 */
import { loadavg } from 'node:os';
import { createEventValidator, type ConsentRecord, type MetricDefinition } from '@telemetry/contracts';
import {
  createCatalogLookup,
  createIdentifierHasher,
  createPrivacyTally,
  createPseudonymizer,
  createScrubber,
  DailyBudgetCounter,
  filterEvents,
  pseudonymize,
  type PrivacyBatch,
} from '@telemetry/privacy';

const KEY = 'bench-pseudonym-key-0123456789abcdef';
const EVENTS_PER_ENVELOPE = 1_000;
const ENVELOPES = 60;
const SUBJECTS = 10_000;
const ROUNDS = 5;

const definitions: MetricDefinition[] = [
  { name: 'checkout.latency', type: 'histogram', description: 'd', purpose: 'performance', expires: '2099-12-31', attributes: ['region', 'app_version', 'note'] },
  { name: 'page.view', type: 'counter', description: 'd', purpose: 'analytics', expires: '2099-12-31', attributes: ['path', 'referrer'] },
  { name: 'app.crash', type: 'counter', description: 'd', purpose: 'none', expires: 'never', attributes: ['build', 'os'] },
];
const byName = new Map(definitions.map((definition) => [definition.name, definition]));

const consents = new Map<string, ConsentRecord>();
for (let index = 0; index < SUBJECTS; index += 1) {
  // Nine subjects in ten consented to everything; the rest refused analytics.
  const subject = pseudonymize(KEY, `user-${index}`);
  consents.set(subject, { subject, purposes: { performance: true, analytics: index % 10 !== 0 }, at: '2026-01-01T00:00:00Z' });
}

const NOTES = ['ok', 'retry after timeout', 'mail support@example.com', 'from 192.168.10.77', 'card 4111 1111 1111 1111', 'fine', 'slow network', 'n/a'];
const makeEvent = (index: number, nowMs: number): Record<string, unknown> => {
  const kind = index % 3;
  const subjectId = `user-${(index * 7919) % SUBJECTS}`;
  const base = { id: `evt-${index}`, value: (index % 500) + 0.5, timestamp: nowMs - (index % 60_000), subjectId };
  if (kind === 0) {
    return { ...base, metric: 'checkout.latency', attributes: { region: 'eu-west-1', app_version: '4.2.1', note: NOTES[index % NOTES.length] ?? '', session: 'abc' } };
  }
  if (kind === 1) return { ...base, metric: 'page.view', attributes: { path: '/checkout/step-2', referrer: 'https://shop.example.com/cart' } };
  return { ...base, metric: 'app.crash', attributes: { build: '2026.11.3', os: 'android 14' } };
};

const nowMs = Date.now();
const envelopes = Array.from({ length: ENVELOPES }, (_, envelopeIndex) =>
  Array.from({ length: EVENTS_PER_ENVELOPE }, (_, index) => makeEvent(envelopeIndex * EVENTS_PER_ENVELOPE + index, nowMs)),
);
const encoded = envelopes.map((events) => JSON.stringify({ sourceId: 'bench', receivedAt: new Date(nowMs).toISOString(), events }));

// One pseudonymizer for the run, as a service keeps one for its lifetime.
const pseudonymizer = createPseudonymizer(KEY);
const hashIdentifier = createIdentifierHasher(KEY);
const newBatch = (pseudonymize: (subjectId: string) => string = pseudonymizer): PrivacyBatch => ({
  nowMs,
  maxFutureMs: 86_400_000,
  validateEvent: createEventValidator(),
  findMetric: createCatalogLookup((name) => byName.get(name)),
  consentFor: (pseudonym) => consents.get(pseudonym),
  pseudonymize,
  hashIdentifier,
  budget: new DailyBudgetCounter(),
  scrubber: createScrubber(),
  tally: createPrivacyTally(),
});

interface Rates {
  perCpuSecond: number;
  perWallSecond: number;
}

const measure = (label: string, run: (batch: PrivacyBatch) => number, makeBatch: () => PrivacyBatch = () => newBatch()): Rates => {
  const rates: number[] = [];
  const wallRates: number[] = [];
  for (let round = 0; round < ROUNDS + 1; round += 1) {
    const batch = makeBatch();
    const startNs = process.hrtime.bigint();
    const startCpu = process.cpuUsage();
    const events = run(batch);
    const cpu = process.cpuUsage(startCpu);
    const seconds = Number(process.hrtime.bigint() - startNs) / 1e9;
    // The machine is shared: CPU time is what this process spent on one core, wall time includes waiting for it.
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // Round 0 warms the JIT (and the pseudonym memory, as a running service has it warm).
    if (round > 0) {
      rates.push(events / cpuSeconds);
      wallRates.push(events / seconds);
    }
    if (round === ROUNDS && batch.tally.passed + Object.values(batch.tally.rejected).reduce((a, b) => a + b, 0) > 0) {
      const hits = Object.fromEntries(batch.scrubber.ruleNames.map((name, index) => [name, batch.tally.scrubHits[index] ?? 0]));
      process.stdout.write(`${label}: passed ${batch.tally.passed}, rejected ${JSON.stringify(batch.tally.rejected)}, stripped ${batch.tally.strippedKeys}, scrub hits ${JSON.stringify(hits)}\n`);
    }
  }
  rates.sort((a, b) => a - b);
  wallRates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)] ?? 0;
  const wallMedian = wallRates[Math.floor(wallRates.length / 2)] ?? 0;
  process.stdout.write(`${label}: median ${Math.round(median).toLocaleString('en')} events per CPU-second (wall clock ${Math.round(wallMedian).toLocaleString('en')} events/s) over ${ROUNDS} rounds of ${(ENVELOPES * EVENTS_PER_ENVELOPE).toLocaleString('en')} events (min ${Math.round(rates[0] ?? 0).toLocaleString('en')}, max ${Math.round(rates[rates.length - 1] ?? 0).toLocaleString('en')})\n`);
  return { perCpuSecond: median, perWallSecond: wallMedian };
};

const filterAll = (batch: PrivacyBatch): number => {
  for (const events of envelopes) filterEvents(events, batch);
  return ENVELOPES * EVENTS_PER_ENVELOPE;
};
const pure = measure('pure decision + scrub path', filterAll);
const coldPseudonyms = measure('same, pseudonym memory empty at each round', filterAll, () => newBatch(createPseudonymizer(KEY)));
const withJson = measure('with JSON decode + encode', (batch) => {
  for (const text of encoded) {
    const envelope = JSON.parse(text) as { events: unknown[] };
    JSON.stringify(filterEvents(envelope.events, batch).clean);
  }
  return ENVELOPES * EVENTS_PER_ENVELOPE;
});

// A load-independent reference: contracts' event validation alone, which the filter must do anyway.
const validateEvent = createEventValidator();
const validationOnly = measure('reference: event validation alone', () => {
  for (const events of envelopes) for (const event of events) validateEvent(event);
  return ENVELOPES * EVENTS_PER_ENVELOPE;
});

const whole = (rate: number) => Math.round(rate);
process.stdout.write(
  `${JSON.stringify({
    bench: 'privacy',
    eventsPerCpuSecond: whole(pure.perCpuSecond),
    eventsPerWallSecond: whole(pure.perWallSecond),
    coldPseudonymsEventsPerCpuSecond: whole(coldPseudonyms.perCpuSecond),
    withJsonEventsPerCpuSecond: whole(withJson.perCpuSecond),
    withJsonEventsPerWallSecond: whole(withJson.perWallSecond),
    validationOnlyEventsPerCpuSecond: whole(validationOnly.perCpuSecond),
    ratioToValidationOnly: Number((pure.perCpuSecond / validationOnly.perCpuSecond).toFixed(2)),
    targetEventsPerCpuSecond: 200_000,
    ratioToTarget: Number((pure.perCpuSecond / 200_000).toFixed(2)),
    loadAverage1m: Number((loadavg()[0] ?? 0).toFixed(1)),
  })}\n`,
);
