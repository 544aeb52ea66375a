import { PRIVACY_REJECT_REASONS, type PrivacyTally } from '@telemetry/privacy';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The filter's figures on /metrics: events in, passed, dropped by reason, scrub hits by rule, consent cache, lag. */
export class PrivacyMetrics {
  private readonly eventsIn: Counter;
  private readonly eventsPassed: Counter;
  /** Also telemetry.self.dead_letters{stage: privacy}: pre-created at 0 for every reason. */
  readonly eventsDropped: Counter<'reason'>;
  private readonly scrubHits: Counter<'rule'>;
  private readonly eventIdsHashed: Counter;
  private readonly attributesStripped: Counter;
  private readonly batchSeconds: Histogram;

  constructor(
    registry: Registry,
    private readonly scrubRuleNames: readonly string[],
    sizes: { consentCacheSize: () => number; catalogSize: () => number; lag: () => Promise<number> },
  ) {
    const registers = [registry];
    this.eventsIn = new Counter({ name: 'privacy_events_in_total', help: 'Events read from telemetry.raw.v1', registers });
    this.eventsPassed = new Counter({ name: 'privacy_events_passed_total', help: 'Events produced to telemetry.clean.v1', registers });
    this.eventsDropped = new Counter({
      name: 'privacy_events_dropped_total',
      help: 'Events dead-lettered to telemetry.dlq.v1, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.scrubHits = new Counter({ name: 'privacy_scrub_hits_total', help: 'PII matches in attribute values (redacted) and event ids (hashed), by rule', labelNames: ['rule'], registers });
    this.eventIdsHashed = new Counter({
      name: 'privacy_event_ids_hashed_total',
      help: 'Event ids replaced by their keyed hash because a scrub rule matched them',
      registers,
    });
    this.attributesStripped = new Counter({
      name: 'privacy_attributes_stripped_total',
      help: 'Attribute keys removed because the metric does not declare them (data minimization)',
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'privacy_batch_duration_seconds',
      help: 'Time to filter one fetched batch and have its output acknowledged',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    });
    new Gauge({
      name: 'privacy_consent_cache_size',
      help: 'Subjects in the consent view rebuilt from consent.v1',
      registers,
      collect() {
        this.set(sizes.consentCacheSize());
      },
    });
    new Gauge({
      name: 'privacy_catalog_size',
      help: 'Metrics in the catalog view rebuilt from catalog.v1',
      registers,
      collect() {
        this.set(sizes.catalogSize());
      },
    });
    new Gauge({
      name: 'privacy_consumer_lag_messages',
      help: 'Messages on telemetry.raw.v1 not yet committed by the privacy consumer group',
      registers,
      async collect() {
        this.set(await sizes.lag());
      },
    });
    // Zero series for every reason and rule, so dashboards and alerts see them before the first hit.
    for (const reason of [...PRIVACY_REJECT_REASONS]) this.eventsDropped.inc({ reason }, 0);
    for (const rule of scrubRuleNames) this.scrubHits.inc({ rule }, 0);
  }

  recordBatch(tally: PrivacyTally, envelopesRejected: number, eventsIn: number, durationSeconds: number): void {
    this.eventsIn.inc(eventsIn);
    this.eventsPassed.inc(tally.passed);
    for (const reason of PRIVACY_REJECT_REASONS) {
      const count = tally.rejected[reason] + (reason === 'malformed' ? envelopesRejected : 0);
      if (count > 0) this.eventsDropped.inc({ reason }, count);
    }
    this.scrubRuleNames.forEach((rule, index) => {
      const hits = tally.scrubHits[index] ?? 0;
      if (hits > 0) this.scrubHits.inc({ rule }, hits);
    });
    if (tally.strippedKeys > 0) this.attributesStripped.inc(tally.strippedKeys);
    if (tally.hashedEventIds > 0) this.eventIdsHashed.inc(tally.hashedEventIds);
    this.batchSeconds.observe(durationSeconds);
  }
}
