import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSource, revokeSource } from '@telemetry/admin';
import { envelopesOf, eventIdsIn, post, startIngestTestContext, validEvent, type IngestTestContext } from './ingest-test-context';

describe('POST /v1/events against the real broker and database', () => {
  let ctx: IngestTestContext;
  let apiKey: string;
  /** Ids of events sent in requests that were refused as a whole: none may ever reach the topic. */
  const refusedIds: string[] = [];
  const refusedEvent = (overrides: Record<string, unknown> = {}) => {
    const event = validEvent(overrides);
    refusedIds.push(event.id);
    return event;
  };

  beforeAll(async () => {
    ctx = await startIngestTestContext({ INGEST_MAX_REQUEST_BYTES: 64 * 1024, INGEST_MAX_EVENTS_PER_REQUEST: 100 });
    apiKey = ctx.source.apiKey;
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('produces a valid batch to telemetry.raw.v1 as one envelope keyed by the source, after Kafka acknowledged', async () => {
    const events = [validEvent(), validEvent({ subjectId: 'user-1', timestamp: new Date().toISOString() }), validEvent({ attributes: undefined })];
    const answer = await post(ctx.ingest.url, JSON.stringify({ events }), { apiKey });
    expect(answer.status).toBe(202);
    expect(answer.json()).toEqual({ accepted: 3, rejected: [] });
    const messages = await ctx.readRaw((read) => eventIdsIn(read).includes(events[0]!.id));
    const [message] = envelopesOf(messages).filter(({ envelope }) => envelope.events.some((event) => event.id === events[0]!.id));
    expect(message?.key).toBe(ctx.source.source.id);
    // The body's bytes are forwarded as they are (no re-serialization): the envelope still has
    // exactly the contract's fields.
    expect(Object.keys(message?.envelope ?? {}).sort()).toEqual(['events', 'receivedAt', 'sourceId']);
    expect(message?.envelope.sourceId).toBe(ctx.source.source.id);
    expect(Date.parse(message?.envelope.receivedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(message?.envelope.events).toEqual(JSON.parse(JSON.stringify(events)));
  });

  it('produces the valid events of a mixed batch and reports each invalid one by index and reason', async () => {
    const good = [validEvent(), validEvent()];
    const bad = [
      refusedEvent({ value: 'fast' }),
      refusedEvent({ metric: 'Checkout Latency' }),
      refusedEvent({ timestamp: 'yesterday' }),
      refusedEvent({ attributes: { region: 'x'.repeat(300) } }),
    ];
    const events = [bad[0], good[0], bad[1], bad[2], good[1], bad[3]];
    const answer = await post(ctx.ingest.url, JSON.stringify({ events }), { apiKey });
    expect(answer.status).toBe(202);
    const body = answer.json() as { accepted: number; rejected: { index: number; reason: string }[] };
    expect(body.accepted).toBe(2);
    expect(body.rejected.map(({ index }) => index)).toEqual([0, 2, 3, 5]);
    expect(body.rejected[0]?.reason).toBe('events[0].value: must be a finite number');
    expect(body.rejected[1]?.reason).toMatch(/^events\[2\]\.metric: must match/);
    expect(body.rejected[2]?.reason).toBe('events[3].timestamp: must be ISO-8601 or epoch milliseconds');
    expect(body.rejected[3]?.reason).toMatch(/^events\[5\]\.attributes\.region: must be a string of at most 256 characters/);
    const messages = await ctx.readRaw((read) => good.every((event) => eventIdsIn(read).includes(event.id)));
    const produced = envelopesOf(messages).find(({ envelope }) => envelope.events.some((event) => event.id === good[0]!.id));
    expect(produced?.envelope.events.map((event) => event.id)).toEqual(good.map((event) => event.id));
  });

  it('refuses events whose text PostgreSQL cannot store (\\u0000, lone surrogates) one by one, however the body is written', async () => {
    const good = validEvent();
    const withNul = refusedEvent();
    const withSurrogate = refusedEvent();
    // JSON.stringify writes NUL as the escape \u0000 and a lone surrogate as \ud800: only escapes
    // can carry them, which is what lets a body without any \u skip the per-string check.
    const body = JSON.stringify({ events: [{ ...withNul, attributes: { region: 'eu\u0000' } }, good, { ...withSurrogate, id: `${withSurrogate.id}\ud800` }] });
    expect(body).toContain('\\u0000');
    const answer = await post(ctx.ingest.url, body, { apiKey });
    expect(answer.status).toBe(202);
    const result = answer.json() as { accepted: number; rejected: { index: number; reason: string }[] };
    expect(result.accepted).toBe(1);
    expect(result.rejected.map(({ index }) => index)).toEqual([0, 2]);
    expect(result.rejected[0]?.reason).toMatch(/^events\[0\]\.attributes\.region: must not contain NUL/);
    expect(eventIdsIn(await ctx.readRaw((read) => eventIdsIn(read).includes(good.id)))).toContain(good.id);
  });

  it('refuses telemetry.self.* events one by one as reserved_metric: only the services report under those names', async () => {
    const good = validEvent();
    const forged = [
      refusedEvent({ metric: 'telemetry.self.auth_failures', attributes: { service: 'ingest', reason: 'invalid_key' } }),
      refusedEvent({ metric: 'telemetry.self.not_defined_anywhere' }),
    ];
    const answer = await post(ctx.ingest.url, JSON.stringify({ events: [forged[0], good, forged[1]] }), { apiKey });
    expect(answer.status).toBe(202);
    expect(answer.json()).toEqual({
      accepted: 1,
      rejected: [
        { index: 0, reason: 'events[0].metric: reserved_metric (telemetry.self.* is written only by the pipeline itself)' },
        { index: 2, reason: 'events[2].metric: reserved_metric (telemetry.self.* is written only by the pipeline itself)' },
      ],
    });
    const messages = await ctx.readRaw((read) => eventIdsIn(read).includes(good.id));
    const produced = envelopesOf(messages).find(({ envelope }) => envelope.events.some((event) => event.id === good.id));
    expect(produced?.envelope.events.map((event) => event.id)).toEqual([good.id]);
    const metrics = await (await fetch(`${ctx.ingest.url}/metrics`)).text();
    expect(metrics).toMatch(/ingest_events_rejected_total\{route="events",reason="reserved_metric",service="ingest"\} 2/);
  });

  it('refuses events stamped outside the time window one by one as timestamp_out_of_range, and produces the valid ones beside them', async () => {
    const HOUR_MS = 60 * 60 * 1_000;
    const good = [validEvent(), validEvent({ timestamp: new Date(Date.now() - 30 * 24 * HOUR_MS).toISOString() })];
    const outOfRange = [
      refusedEvent({ timestamp: '2199-06-01T00:00:00Z' }), // inside the 2000–2200 sanity range, far ahead of the clock
      refusedEvent({ timestamp: Date.now() + 25 * HOUR_MS }), // just past the default window of 24 h
      refusedEvent({ timestamp: '1999-12-31T23:59:59Z' }),
      refusedEvent({ timestamp: Math.floor(Date.now() / 1_000) }), // epoch seconds: 1970
    ];
    const events = [outOfRange[0], good[0], outOfRange[1], outOfRange[2], good[1], outOfRange[3]];
    const answer = await post(ctx.ingest.url, JSON.stringify({ events }), { apiKey });
    expect(answer.status).toBe(202);
    const window = "timestamp_out_of_range (accepted from 2000-01-01T00:00:00Z to 24 h after the pipeline's clock)";
    expect(answer.json()).toEqual({
      accepted: 2,
      rejected: [0, 2, 3, 5].map((index) => ({ index, reason: `events[${index}].timestamp: ${window}` })),
    });
    const messages = await ctx.readRaw((read) => good.every((event) => eventIdsIn(read).includes(event.id)));
    const produced = envelopesOf(messages).find(({ envelope }) => envelope.events.some((event) => event.id === good[0]!.id));
    expect(produced?.envelope.events.map((event) => event.id)).toEqual(good.map((event) => event.id));
    const metrics = await (await fetch(`${ctx.ingest.url}/metrics`)).text();
    expect(metrics).toMatch(/ingest_events_rejected_total\{route="events",reason="timestamp_out_of_range",service="ingest"\} 4/);
  });

  it('writes as the source the key belongs to, whatever the body claims', async () => {
    const other = await createSource(ctx.database.pool, `other-${ctx.suffix}`);
    const event = validEvent();
    const answer = await post(ctx.ingest.url, JSON.stringify({ sourceId: other.source.id, events: [event] }), { apiKey });
    expect(answer.status).toBe(202);
    const messages = await ctx.readRaw((read) => eventIdsIn(read).includes(event.id));
    const produced = envelopesOf(messages).find(({ envelope }) => envelope.events.some((e) => e.id === event.id));
    expect(produced?.key).toBe(ctx.source.source.id);
    expect(produced?.envelope.sourceId).toBe(ctx.source.source.id);
  });

  it('splits a request near the 1 MiB limit over several messages, so none exceeds the broker limit', async () => {
    const large = await ctx.startIngest({ INGEST_MAX_REQUEST_BYTES: 1024 * 1024, INGEST_MAX_EVENTS_PER_REQUEST: 1000 });
    const padding = { a: 'a'.repeat(250), b: 'b'.repeat(250), c: 'c'.repeat(250), d: 'd'.repeat(150) };
    const events = Array.from({ length: 1000 }, () => validEvent({ attributes: padding }));
    const body = JSON.stringify({ events });
    expect(body.length).toBeGreaterThan(1_000_000);
    expect(body.length).toBeLessThan(1024 * 1024);
    const answer = await post(large.url, body, { apiKey });
    expect(answer.status).toBe(202);
    expect(answer.json()).toEqual({ accepted: 1000, rejected: [] });
    const wanted = new Set(events.map((event) => event.id));
    const messages = await ctx.readRaw((read) => eventIdsIn(read).filter((id) => wanted.has(id)).length >= 1000);
    const carrying = envelopesOf(messages).filter(({ envelope }) => envelope.events.some((event) => wanted.has(event.id)));
    expect(carrying.length).toBeGreaterThan(1);
    expect(carrying.flatMap(({ envelope }) => envelope.events.map((event) => event.id))).toEqual(events.map((event) => event.id));
    expect(new Set(carrying.map(({ envelope }) => envelope.receivedAt)).size).toBe(1);
  });

  it('gives each of many concurrent requests its own bytes on the topic, while their body buffers are reused', async () => {
    // 100 events of ~200 bytes: bodies above the pool's 16 KB floor, so later waves reuse the
    // buffers of earlier ones. A buffer given back too early would show up as another request's
    // events (or a broken envelope) under this request's ids.
    const waves = 4;
    const perWave = 24;
    const sent: { events: ReturnType<typeof validEvent>[] }[] = [];
    for (let wave = 0; wave < waves; wave++) {
      const bodies = Array.from({ length: perWave }, (_, index) => ({
        events: Array.from({ length: 100 }, () => validEvent({ value: wave * 1_000 + index, attributes: { region: `wave-${wave}-${index}` } })),
      }));
      sent.push(...bodies);
      const answers = await Promise.all(bodies.map((body) => post(ctx.ingest.url, JSON.stringify(body), { apiKey })));
      expect(answers.map(({ status }) => status)).toEqual(bodies.map(() => 202));
    }
    const firstIds = new Set(sent.map(({ events }) => events[0]!.id));
    const messages = await ctx.readRaw((read) => eventIdsIn(read).filter((id) => firstIds.has(id)).length >= sent.length);
    const byFirstId = new Map(envelopesOf(messages).map(({ envelope }) => [envelope.events[0]?.id, envelope.events]));
    for (const { events } of sent) expect(byFirstId.get(events[0]!.id)).toEqual(events);
  });

  it('accepts a gzip-compressed body', async () => {
    const event = validEvent();
    const answer = await post(ctx.ingest.url, gzipSync(JSON.stringify({ events: [event] })), { apiKey, headers: { 'content-encoding': 'gzip' } });
    expect(answer.status).toBe(202);
    expect(answer.json()).toEqual({ accepted: 1, rejected: [] });
    expect(eventIdsIn(await ctx.readRaw((read) => eventIdsIn(read).includes(event.id)))).toContain(event.id);
  });

  it.each([
    ['a body that is not JSON', () => `{"events": [${JSON.stringify(refusedEvent())}`, /not valid JSON/],
    ['a JSON array', () => JSON.stringify([refusedEvent()]), /must be a JSON object/],
    ['events that is not an array', () => JSON.stringify({ events: refusedEvent() }), /body\.events must be an array/],
    ['an empty body', () => '', /empty|not valid JSON/],
  ])('answers 400 for %s', async (_label, body, message) => {
    const answer = await post(ctx.ingest.url, body(), { apiKey });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ code: 'malformed_body', error: expect.stringMatching(message) as unknown });
  });

  it('answers 400 for a body that is not valid gzip', async () => {
    const answer = await post(ctx.ingest.url, 'not gzip at all', { apiKey, headers: { 'content-encoding': 'gzip' } });
    expect(answer.status).toBe(400);
    expect(answer.json()).toMatchObject({ code: 'malformed_body', error: expect.stringMatching(/gzip/) as unknown });
  });

  it('answers 413 for more events than the per-request limit', async () => {
    const events = Array.from({ length: 101 }, () => refusedEvent({ attributes: undefined }));
    const answer = await post(ctx.ingest.url, JSON.stringify({ events }), { apiKey });
    expect(answer.status).toBe(413);
    expect(answer.json()).toMatchObject({ code: 'payload_too_large', error: '101 events in one request; at most 100 are accepted' });
  });

  it('answers 413 for a body over the byte limit', async () => {
    const events = Array.from({ length: 90 }, () => refusedEvent({ attributes: { note: 'n'.repeat(250), more: 'm'.repeat(250), other: 'o'.repeat(250) } }));
    const body = JSON.stringify({ events });
    expect(body.length).toBeGreaterThan(64 * 1024);
    const answer = await post(ctx.ingest.url, body, { apiKey });
    expect(answer.status).toBe(413);
    expect(answer.json()).toMatchObject({ code: 'payload_too_large', error: expect.stringMatching(/larger than 65536 bytes/) as unknown });
  });

  it('refuses a gzip bomb with 413: the limit applies to the decompressed bytes', async () => {
    // 32 MiB of JSON whitespace compress to about 32 KB, under the 64 KiB limit on the wire; the
    // service stops inflating once the output passes 64 KiB.
    const bomb = gzipSync(Buffer.concat([Buffer.from('{"events":['), Buffer.alloc(32 * 1024 * 1024, ' '), Buffer.from(']}')]), { level: 9 });
    expect(bomb.length).toBeLessThan(64 * 1024);
    const answer = await post(ctx.ingest.url, bomb, { apiKey, headers: { 'content-encoding': 'gzip' } });
    expect(answer.status).toBe(413);
    expect(answer.json()).toMatchObject({ code: 'payload_too_large', error: expect.stringMatching(/after decompression/) as unknown });
  });

  it.each([
    ['text/plain', { contentType: 'text/plain' }, /Content-Type must be application\/json/],
    ['application/x-www-form-urlencoded', { contentType: 'application/x-www-form-urlencoded' }, /Content-Type must be application\/json/],
    ['Content-Encoding br', { headers: { 'content-encoding': 'br' } }, /Content-Encoding "br" is not supported/],
  ])('answers 415 for %s', async (_label, options, message) => {
    const answer = await post(ctx.ingest.url, JSON.stringify({ events: [refusedEvent()] }), { apiKey, ...options });
    expect(answer.status).toBe(415);
    expect(answer.json()).toMatchObject({ code: 'unsupported_media_type', error: expect.stringMatching(message) as unknown });
  });

  it.each([
    ['no Authorization header', null, /missing API key/],
    ['a malformed key', 'not-a-key', /invalid or revoked API key/],
    ['an unknown key', `tlm_${'0'.repeat(16)}_${'0'.repeat(64)}`, /invalid or revoked API key/],
  ])('answers 401 for %s', async (_label, key, message) => {
    const answer = await post(ctx.ingest.url, JSON.stringify({ events: [refusedEvent()] }), { apiKey: key });
    expect(answer.status).toBe(401);
    expect(answer.json()).toMatchObject({ code: 'unauthorized', error: expect.stringMatching(message) as unknown });
  });

  it('answers 401 for a known key id with a wrong secret', async () => {
    const keyId = apiKey.split('_')[1];
    const answer = await post(ctx.ingest.url, JSON.stringify({ events: [refusedEvent()] }), { apiKey: `tlm_${keyId}_${'f'.repeat(64)}` });
    expect(answer.status).toBe(401);
  });

  it('stops accepting a key within the cache period once its source is revoked', async () => {
    const doomed = await createSource(ctx.database.pool, `doomed-${ctx.suffix}`);
    expect((await post(ctx.ingest.url, JSON.stringify({ events: [validEvent()] }), { apiKey: doomed.apiKey })).status).toBe(202);
    await revokeSource(ctx.database.pool, doomed.source.id);
    // The test config caches verified keys for 300 ms.
    await new Promise((resolve) => setTimeout(resolve, 400));
    const answer = await post(ctx.ingest.url, JSON.stringify({ events: [refusedEvent()] }), { apiKey: doomed.apiKey });
    expect(answer.status).toBe(401);
  });

  it('answers 429 with Retry-After once a source is over its rate, and nothing of that request is produced', async () => {
    const limited = await ctx.startIngest({ INGEST_RATE_LIMIT_EVENTS_PER_SECOND: 10, INGEST_RATE_LIMIT_BURST_EVENTS: 100 });
    const first = Array.from({ length: 100 }, () => validEvent({ attributes: undefined }));
    expect((await post(limited.url, JSON.stringify({ events: first }), { apiKey })).status).toBe(202);
    const answer = await post(limited.url, JSON.stringify({ events: Array.from({ length: 50 }, () => refusedEvent()) }), { apiKey });
    expect(answer.status).toBe(429);
    // 50 events at 10 events/s: about 5 s until the bucket holds them.
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(4);
    expect(Number(answer.headers.get('retry-after'))).toBeLessThanOrEqual(5);
    expect(answer.json()).toMatchObject({ code: 'rate_limited' });
    // Another source has its own bucket.
    const other = await createSource(ctx.database.pool, `unlimited-${ctx.suffix}`);
    expect((await post(limited.url, JSON.stringify({ events: [validEvent()] }), { apiKey: other.apiKey })).status).toBe(202);
  });

  it('serves /healthz, /readyz and Prometheus /metrics on the ingest port', async () => {
    const health = await fetch(`${ctx.ingest.url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${ctx.ingest.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { kafka: 'ok', postgres: 'ok' } });
    const metrics = await (await fetch(`${ctx.ingest.url}/metrics`)).text();
    expect(metrics).toMatch(/ingest_requests_total\{route="events",status="202",service="ingest"\} \d+/);
    expect(metrics).toMatch(/ingest_requests_total\{route="events",status="413",service="ingest"\} 3/);
    expect(metrics).toMatch(/ingest_events_rejected_total\{route="events",reason="invalid_value",service="ingest"\} 1/);
    expect(metrics).toMatch(/ingest_events_accepted_total\{route="events",service="ingest"\} \d+/);
    expect(metrics).toMatch(/ingest_request_duration_seconds_bucket\{le="0.1",service="ingest",route="events"\} \d+/);
    expect(metrics).toMatch(/ingest_kafka_produce_duration_seconds_count\{service="ingest",outcome="ok"\} \d+/);
    expect(metrics).toMatch(/ingest_auth_failures_total\{reason="missing_key",service="ingest"\} 1/);
  });

  it('finishes a request in flight when shut down, and refuses new connections', async () => {
    const stopping = await ctx.startIngest();
    const event = validEvent();
    const body = Buffer.from(JSON.stringify({ events: [event] }));
    const port = new URL(stopping.url).port;
    const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: '/v1/events', headers: { 'content-type': 'application/json', 'content-length': body.length, authorization: `Bearer ${apiKey}` } },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
        },
      );
      request.on('error', reject);
      // Half the body now, the rest after shutdown began: the request is in flight throughout.
      request.write(body.subarray(0, 10));
      setTimeout(() => {
        closing = stopping.close();
        setTimeout(() => request.end(body.subarray(10)), 300);
      }, 300);
    });
    let closing: Promise<void> | undefined;
    const answer = await answered;
    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toEqual({ accepted: 1, rejected: [] });
    await closing;
    await expect(fetch(`${stopping.url}/healthz`)).rejects.toThrow();
    expect(eventIdsIn(await ctx.readRaw((read) => eventIdsIn(read).includes(event.id)))).toContain(event.id);
  });

  it('never produced anything from the requests it refused', async () => {
    const sentinel = validEvent();
    expect((await post(ctx.ingest.url, JSON.stringify({ events: [sentinel] }), { apiKey })).status).toBe(202);
    const produced = eventIdsIn(await ctx.readRaw((read) => eventIdsIn(read).includes(sentinel.id)));
    expect(produced).toContain(sentinel.id);
    expect(refusedIds.length).toBeGreaterThan(100);
    expect(produced.filter((id) => refusedIds.includes(id))).toEqual([]);
  });
});
