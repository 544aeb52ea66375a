import type { RawEnvelope } from '@telemetry/contracts';
import { SELF_SOURCE_ID } from '@telemetry/kafka';
import type { ReadMessage } from '@telemetry/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startIngestTestContext, validEvent, type IngestTestContext } from './ingest-test-context';

const selfReportsOf = (messages: ReadMessage[]): RawEnvelope[] =>
  messages.filter((message) => message.key === SELF_SOURCE_ID).map((message) => JSON.parse(message.value ?? 'null') as RawEnvelope);

const selfEventsOf = (messages: ReadMessage[]) => selfReportsOf(messages).flatMap((report) => report.events);

describe('ingest self-telemetry against the real broker and database', () => {
  let ctx: IngestTestContext;

  beforeAll(async () => {
    ctx = await startIngestTestContext({ SELF_TELEMETRY_INTERVAL_MS: 200, SELF_TELEMETRY_VOLUME_WINDOW_MS: 1_000 });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('reports failed authentications by reason, rejections by reason and source, and volume per source, 0 a window after its last event', async () => {
    const source = ctx.source.source.id;
    for (let i = 0; i < 3; i++) expect((await post(ctx.ingest.url, JSON.stringify({ events: [validEvent()] }), { apiKey: 'tk_wrong.secret' })).status).toBe(401);
    expect((await post(ctx.ingest.url, JSON.stringify({ events: [validEvent()] }))).status).toBe(401);
    const answer = await post(ctx.ingest.url, JSON.stringify({ events: [validEvent(), validEvent(), validEvent({ value: 'x' })] }), { apiKey: ctx.source.apiKey });
    expect(answer.json()).toMatchObject({ accepted: 2 });

    const volumeOf = (messages: ReadMessage[]) =>
      selfEventsOf(messages).filter((e) => e.metric === 'telemetry.self.source_volume' && e.attributes?.['source'] === source);
    // 2 events in a 1 s window: 2 events/s while they are in it, then 0 (the source is known, and quiet).
    const messages = await ctx.readRaw((read) => volumeOf(read).some((e) => e.value === 2) && volumeOf(read).at(-1)?.value === 0);
    const self = selfEventsOf(messages);
    const sum = (metric: string, attributes: Record<string, string>) =>
      self
        .filter((e) => e.metric === metric && Object.entries(attributes).every(([key, value]) => e.attributes?.[key] === value))
        .reduce((total, e) => total + e.value, 0);
    expect(sum('telemetry.self.auth_failures', { service: 'ingest', reason: 'invalid_key' })).toBe(3);
    expect(sum('telemetry.self.auth_failures', { service: 'ingest', reason: 'missing_key' })).toBe(1);
    expect(sum('telemetry.self.rejections', { service: 'ingest', reason: 'invalid_value', source })).toBe(1);
    expect(Math.max(...volumeOf(messages).map((e) => e.value))).toBe(2);
    // Every report carries both auth failure series, zeros included: the detector's baseline.
    const reports = selfReportsOf(messages);
    expect(reports.every((report) => report.events.filter((e) => e.metric === 'telemetry.self.auth_failures').length === 2)).toBe(true);
  });
});
