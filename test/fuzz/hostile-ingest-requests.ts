import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import generatedRoot from 'otlp-transformer-protobuf/build/src/generated/root';
import type { HostileRequest } from './hostile-request';

/**
 * Generators of malformed and hostile requests to ingest (POST /v1/events and /v1/metrics), each
 * with the answer the contract (docs/ARCHITECTURE.md) promises: refused as a whole with a 4xx and a
 * reason, or taken apart with a reason per event / per OTLP data point. Nothing here is valid, so
 * nothing here may ever be stored.
 */

export interface IngestCredentials {
  apiKey: string;
  revokedApiKey: string;
}

/** In the catalog (so an event wrongly accepted would reach storage and show up there), but never valid here. */
export const HOSTILE_METRIC = 'fuzz.hostile';

const MIB = 1024 * 1024;
const POSITIVE_INFINITY = '@@positive-infinity@@';
const NEGATIVE_INFINITY = '@@negative-infinity@@';

/** JSON text, with the markers above written as number literals JSON.stringify cannot produce (1e400 parses to Infinity). */
const toJsonText = (value: unknown): string =>
  JSON.stringify(value).replaceAll(`"${POSITIVE_INFINITY}"`, '1e400').replaceAll(`"${NEGATIVE_INFINITY}"`, '-1e400');

/** An own, enumerable property even for "__proto__" (plain assignment would set the prototype instead). */
const setOwn = (target: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });

const baseEvent = (): Record<string, unknown> => ({
  id: randomUUID(),
  metric: HOSTILE_METRIC,
  value: 1,
  timestamp: new Date().toISOString(),
  attributes: { tag: 'hostile' },
});

const wrongScalar = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), fc.object({ maxDepth: 1 }));
const unicodeOddities = fc.constantFrom(
  'a\u0000b', // NUL: PostgreSQL text and jsonb cannot hold it
  '\u0000',
  '\ud800', // unpaired surrogates: not UTF-8-encodable, refused by jsonb
  'x\udfffy',
  '\ud83d',
);
const badMetricNames = fc.oneof(
  fc.constantFrom(
    '',
    'Fuzz.Hostile',
    'fuzz.hóstile',
    'ｆｕｚｚ.hostile',
    'fuzz.host\u200bile',
    'fuzz.\u202ehostile',
    'fuzz..hostile',
    '.fuzz',
    '1fuzz',
    'fuzz.hostile ',
    'fuzz hostile',
    "fuzz.hostile'; DROP TABLE data_points; --",
    'fuzz.hostile\u0000',
    'fuzz.hostile\n',
  ),
  fc.string({ minLength: 129, maxLength: 400 }).map((tail) => `fuzz.${tail.replace(/[^a-z]/g, 'a')}`),
);
const badTimestamps = fc.oneof(
  fc.constantFrom(
    '2026-13-01T00:00:00Z',
    '2026-02-30T00:00:00Z',
    '2026-04-31',
    '2026-11-25T25:00:00Z',
    '2026-11-25T12:60:00Z',
    '2026-11-25T12:00:00+25:00',
    '2026-11-25 12:00:00',
    'yesterday',
    '',
    '1e12',
    'NaN',
    '1999-12-31T23:59:59Z',
    '2201-01-01T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '2026-11-25T12:00:00.000000000000Z',
    'x'.repeat(41),
  ),
  fc.constantFrom(0, -1, 1.7e9, 1.7e15, 1e20, -8.64e15, POSITIVE_INFINITY, NEGATIVE_INFINITY),
  wrongScalar.filter((value) => typeof value !== 'number'),
);
const badAttributes = fc.oneof(
  fc.constantFrom<unknown>('region=eu', [['region', 'eu']], null, 42),
  fc.dictionary(fc.constantFrom('a', 'b'), fc.oneof(fc.object({ maxDepth: 2 }), fc.array(fc.string(), { minLength: 1, maxLength: 3 }), fc.constant(null)), {
    minKeys: 1,
    maxKeys: 2,
  }),
  fc.integer({ min: 33, max: 5_000 }).map((count) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]))),
  fc.constantFrom('__proto__', 'constructor', 'prototype', '', 'bad key', 'ключ', 'k\u0000', '9lives', 'k'.repeat(65), "k'--").map((key) => {
    const attributes: Record<string, unknown> = {};
    setOwn(attributes, key, key === 'constructor' ? { prototype: { polluted: true } } : { polluted: true });
    return attributes;
  }),
  fc.string({ minLength: 257, maxLength: 2_000 }).map((long) => ({ tag: long })),
  unicodeOddities.map((odd) => ({ tag: odd })),
);

/** One way to make an event invalid; applied to a fresh valid-looking event. */
type Invalidation = (event: Record<string, unknown>) => void;
const invalidation: fc.Arbitrary<Invalidation> = fc.oneof(
  fc.oneof(wrongScalar, fc.constant(''), fc.string({ minLength: 129, maxLength: 300 }), unicodeOddities).map((id): Invalidation => (event) => {
    event['id'] = id;
  }),
  fc.oneof(wrongScalar, badMetricNames).map((metric): Invalidation => (event) => {
    event['metric'] = metric;
  }),
  fc
    .oneof(fc.string(), fc.boolean(), fc.constant(null), fc.object({ maxDepth: 1 }), fc.constantFrom(POSITIVE_INFINITY, NEGATIVE_INFINITY, '1', '0x10'))
    .map((value): Invalidation => (event) => {
      event['value'] = value;
    }),
  badTimestamps.map((timestamp): Invalidation => (event) => {
    event['timestamp'] = timestamp;
  }),
  fc.oneof(wrongScalar, fc.constant(''), fc.string({ minLength: 129, maxLength: 300 }), unicodeOddities).map((subjectId): Invalidation => (event) => {
    event['subjectId'] = subjectId;
  }),
  badAttributes.map((attributes): Invalidation => (event) => {
    event['attributes'] = attributes;
  }),
  fc.constantFrom('id', 'metric', 'value', 'timestamp').map((field): Invalidation => (event) => {
    delete event[field];
  }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'extra', 'sourceId').map((field): Invalidation => (event) => {
    setOwn(event, field, { polluted: true, prototype: { polluted: true } });
  }),
);

const invalidEvent = fc.array(invalidation, { minLength: 1, maxLength: 2 }).map((changes) => {
  const event = baseEvent();
  for (const change of changes) change(event);
  return event;
});

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const jsonHeaders = (key: string) => ({ ...bearer(key), 'content-type': 'application/json' });

const eventsRequest = (kind: string, headers: Record<string, string>, body: Buffer | string, expect: HostileRequest['expect'], count?: number): HostileRequest => ({
  target: 'events',
  kind,
  method: 'POST',
  path: '/v1/events',
  headers,
  body: typeof body === 'string' ? Buffer.from(body) : body,
  expect,
  ...(count === undefined ? {} : { count }),
});

const deeplyNested = (depth: number, open: string, close: string, inner = '1') => `${open.repeat(depth)}${inner}${close.repeat(depth)}`;

/** Decompresses to far more than the 1 MiB limit; made once, they are the same every time. */
const gzipBombs = [4, 16].map((mib) => gzipSync(Buffer.alloc(mib * MIB, ' ')));

const validLookingBody = () => toJsonText({ events: [baseEvent()] });

export const hostileEventsRequests = (credentials: IngestCredentials): fc.Arbitrary<HostileRequest> => {
  const { apiKey, revokedApiKey } = credentials;
  const json = jsonHeaders(apiKey);
  return fc.oneof(
    // A well-formed batch of invalid events: 202, nothing accepted, one reason per event.
    {
      weight: 12,
      arbitrary: fc
        .array(invalidEvent, { minLength: 1, maxLength: 6 })
        .map((events) => eventsRequest('invalid events', json, toJsonText({ events }), 'eventsRejected', events.length)),
    },
    {
      weight: 3,
      arbitrary: fc
        .string({ unit: 'binary', maxLength: 300 })
        .filter((text) => {
          try {
            const parsed: unknown = JSON.parse(text);
            return !(typeof parsed === 'object' && parsed !== null && Array.isArray((parsed as { events?: unknown }).events));
          } catch {
            return true;
          }
        })
        .map((text) => eventsRequest('not JSON / not a batch', json, text, 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc.nat({ max: 10_000 }).map((cut) => {
        const text = toJsonText({ events: [baseEvent(), baseEvent()] });
        return eventsRequest('truncated JSON', json, text.slice(0, cut % (text.length - 1)), 'refused');
      }),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          '{"events":[{"id":"a","metric":"fuzz.hostile","value":NaN,"timestamp":0}]}',
          '{"events":[{"id":"a","metric":"fuzz.hostile","value":Infinity,"timestamp":0}]}',
          '{"events":[{"id":"a","metric":"fuzz.hostile","value":-Infinity,"timestamp":0}]}',
          `\ufeff${validLookingBody()}`,
          `${validLookingBody()}garbage`,
          `${validLookingBody()}${validLookingBody()}`,
          "{'events':[]}",
          '{"events":[1,]}',
        )
        .map((text) => eventsRequest('JSON oddities', json, text, 'refused')),
    },
    {
      weight: 3,
      arbitrary: fc
        .jsonValue({ maxDepth: 3 })
        .filter((value) => !(typeof value === 'object' && value !== null && !Array.isArray(value) && Array.isArray((value as { events?: unknown }).events)))
        .map((value) => eventsRequest('wrong batch shape', json, JSON.stringify(value) ?? 'null', 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc
        .record({ depth: fc.integer({ min: 1_000, max: 200_000 }), brackets: fc.constantFrom<[string, string]>(['[', ']'], ['{"a":', '}']) })
        .map(({ depth, brackets: [open, close] }) => eventsRequest('deeply nested body', json, deeplyNested(depth, open, close), 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc.integer({ min: 100, max: 50_000 }).map((depth) => {
        const event = toJsonText(baseEvent()).replace('"hostile"}', `${deeplyNested(depth, '{"a":', '}')}}`);
        return eventsRequest('deeply nested attribute', json, `{"events":[${event}]}`, 'eventsRejected', 1);
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1_001, max: 20_000 })
        .map((count) => eventsRequest('too many events', json, `{"events":[${Array.from({ length: count }, () => '{}').join(',')}]}`, 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom<[string, Record<string, unknown>]>(
        ['__proto__ batch', { events: [baseEvent()] }],
        ['constructor batch', { prototype: { events: [baseEvent()] } }],
      ).map(([kind, inner]) => {
        const body: Record<string, unknown> = {};
        setOwn(body, kind.startsWith('__proto__') ? '__proto__' : 'constructor', inner);
        return eventsRequest('prototype pollution (top level)', json, toJsonText(body), 'refused');
      }),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 200 * 1024 }).map((extra) =>
        eventsRequest('oversized body', json, `{"events":[],"padding":"${'x'.repeat(MIB + extra)}"}`, 'refused'),
      ),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 0, max: gzipBombs.length - 1 }).map((index) =>
        eventsRequest('gzip bomb', { ...json, 'content-encoding': 'gzip' }, gzipBombs[index]!, 'refused'),
      ),
    },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.uint8Array({ minLength: 0, maxLength: 500 }).map((bytes) => Buffer.from(bytes)),
          fc.nat().map((cut) => {
            const zipped = gzipSync(validLookingBody());
            return zipped.subarray(0, 10 + (cut % (zipped.length - 12)));
          }),
          fc.constant(null).map(() => gzipSync(gzipSync(validLookingBody()))),
          fc.constant(null).map(() => Buffer.from(validLookingBody())),
        )
        .map((body) => eventsRequest('bad gzip', { ...json, 'content-encoding': 'gzip' }, body, 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('br', 'deflate', 'compress', 'gzip, gzip', 'x-gzip', 'zstd', 'identity;q=0', '\u00e9')
        .map((encoding) => eventsRequest('unsupported encoding', { ...json, 'content-encoding': encoding }, validLookingBody(), 'refused')),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          undefined,
          '',
          'text/plain',
          'application/xml',
          'application/x-protobuf',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=x',
          'application/jsonx',
          'application/json-seq',
          'json',
          'application /json',
        )
        .map((contentType) =>
          eventsRequest('wrong content type', { ...bearer(apiKey), ...(contentType === undefined ? {} : { 'content-type': contentType }) }, validLookingBody(), 'refused'),
        ),
    },
    {
      weight: 4,
      arbitrary: fc
        .oneof(
          fc.constantFrom<Record<string, string>>(
            {},
            { authorization: '' },
            { authorization: 'Bearer' },
            { authorization: 'Bearer ' },
            { authorization: `Basic ${Buffer.from(`x:${apiKey}`).toString('base64')}` },
            { authorization: `Bearer ${apiKey} ${apiKey}` },
            { authorization: `Bearer ${apiKey.slice(0, -1)}` },
            { authorization: `Bearer ${apiKey}0` },
            { authorization: `Token ${apiKey}` },
            { authorization: apiKey },
            { 'x-api-key': apiKey },
          ),
          fc.constant(bearer(revokedApiKey)),
          fc.string({ minLength: 1, maxLength: 4_000 }).map((junk) => ({ authorization: `Bearer ${junk.replace(/[^\x21-\x7e]/g, 'x')}` })),
          // A well-formed key with a wrong secret: costs a real (bounded) scrypt verification.
          fc.stringMatching(/^[0-9a-f]{64}$/).map((secret) => bearer(`${apiKey.slice(0, apiKey.lastIndexOf('_'))}_${secret}`)),
        )
        .map((auth) => eventsRequest('bad, missing or revoked key', { ...auth, 'content-type': 'application/json' }, validLookingBody(), 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(Buffer.from(validLookingBody(), 'utf16le'), Buffer.from([0xef, 0xbb, 0xbf, ...Buffer.from(validLookingBody())]))
        .map((body) => eventsRequest('UTF-16 or BOM-prefixed body', json, body, 'refused')),
    },
    {
      weight: 1,
      // Invalid UTF-8 inside a string decodes to U+FFFD, which no metric name may contain.
      arbitrary: fc
        .uint8Array({ min: 0x80, max: 0xff, minLength: 1, maxLength: 8 })
        .map((bytes) =>
          eventsRequest(
            'invalid UTF-8 in a metric name',
            json,
            Buffer.concat([Buffer.from('{"events":[{"id":"a","metric":"fuzz.'), Buffer.from([0xff, ...bytes]), Buffer.from(`","value":1,"timestamp":${Date.now()}}]}`)]),
            'eventsRejected',
            1,
          ),
        ),
    },
  );
};

// --- OTLP ---------------------------------------------------------------------------------------

interface MessageType {
  fromObject(value: unknown): unknown;
  encode(message: unknown): { finish(): Uint8Array };
}
const ExportMetricsServiceRequest = (generatedRoot as unknown as { opentelemetry: { proto: { collector: { metrics: { v1: { ExportMetricsServiceRequest: MessageType } } } } } })
  .opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;

const encodeOtlp = (request: unknown): Buffer => {
  const message = ExportMetricsServiceRequest.fromObject(request);
  return Buffer.from(ExportMetricsServiceRequest.encode(message).finish());
};

const metricsRequest = (kind: string, headers: Record<string, string>, body: Buffer | string, expect: HostileRequest['expect'], count?: number): HostileRequest => ({
  target: 'metrics',
  kind,
  method: 'POST',
  path: '/v1/metrics',
  headers,
  body: typeof body === 'string' ? Buffer.from(body) : body,
  expect,
  ...(count === undefined ? {} : { count }),
});

const nowNanos = () => String(BigInt(Date.now()) * 1_000_000n);

/** Gauge points none of which can become a valid event: no value, or a non-finite one. */
const unusablePoints = fc.array(
  fc.record({
    value: fc.constantFrom<Record<string, unknown>>({}, { asDouble: Number.NaN }, { asDouble: Number.POSITIVE_INFINITY }, { asDouble: Number.NEGATIVE_INFINITY }),
    attributeKey: fc.constantFrom('__proto__', 'constructor', 'host', 'ключ', ''),
  }),
  { minLength: 1, maxLength: 5 },
);

const otlpWithPoints = (name: string, points: Array<{ value: Record<string, unknown>; attributeKey: string }>) => ({
  resourceMetrics: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'fuzz' } }] },
      scopeMetrics: [
        {
          metrics: [
            {
              name,
              gauge: {
                dataPoints: points.map(({ value, attributeKey }) => ({
                  ...value,
                  timeUnixNano: nowNanos(),
                  attributes: [{ key: attributeKey, value: { stringValue: 'x' } }],
                })),
              },
            },
          ],
        },
      ],
    },
  ],
});

/** OTLP/JSON whose structure is wrong somewhere: a null or a wrong type where an object, array or string belongs. */
const wrongOtlpJson = fc.constantFrom<unknown>(
  { resourceMetrics: [null] },
  { resourceMetrics: [1] },
  { resourceMetrics: 'all' },
  { resourceMetrics: [{ resource: 'x', scopeMetrics: [] }] },
  { resourceMetrics: [{ scopeMetrics: [null] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [null] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 5, gauge: { dataPoints: [{ asDouble: 1 }] } }] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', gauge: { dataPoints: [null] } }] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', gauge: { dataPoints: 'many' } }] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', gauge: { dataPoints: [{ asInt: {} }] } }] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', gauge: { dataPoints: [{ asDouble: 1, timeUnixNano: true }] } }] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', gauge: { dataPoints: [{ asDouble: 1, attributes: [null] }] } }] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', gauge: { dataPoints: [{ asDouble: 1, attributes: [{ key: 5, value: { stringValue: 'x' } }] }] } }] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', gauge: { dataPoints: [{ asDouble: 1, attributes: [{ key: 'k', value: { bytesValue: 5 } }] }] } }] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', gauge: { dataPoints: [{ asDouble: 1, attributes: [{ key: 'k', value: { intValue: [] } }] }] } }] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', histogram: { dataPoints: [{ count: {}, bucketCounts: [{}] }] } }] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', histogram: { dataPoints: [{ count: 1, explicitBounds: [{}], bucketCounts: [1, 2] }] } }] }] }] },
  { resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'fuzz.x', sum: { dataPoints: [{ asDouble: [] }] } }] }] }] },
);

const deepOtlpAttribute = (depth: number) =>
  `{"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"fuzz.x","gauge":{"dataPoints":[{"asDouble":1,"attributes":[{"key":"k","value":${deeplyNested(
    depth,
    '{"arrayValue":{"values":[',
    ']}}',
    '{}',
  )}}]}]}}]}]}]}`;

export const hostileMetricsRequests = (credentials: IngestCredentials): fc.Arbitrary<HostileRequest> => {
  const { apiKey, revokedApiKey } = credentials;
  const protobuf = { ...bearer(apiKey), 'content-type': 'application/x-protobuf' };
  const json = jsonHeaders(apiKey);
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .oneof(
          // Field 15 (unknown, so skipped by its wire type) with wire type 7, which does not exist: no
          // decoder can read past the first byte. (A known field number would be read whatever its wire type.)
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from([0x7f, ...bytes])),
          // A length-delimited field longer than what follows it.
          fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from([0x0a, 0xe8, 0x07, ...bytes])),
          fc.constant(Buffer.from(validLookingBody())),
        )
        .map((body) => metricsRequest('protobuf garbage', protobuf, body, 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc.nat().map((cut) => {
        const body = encodeOtlp(otlpWithPoints('fuzz.x', [{ value: { asDouble: 1 }, attributeKey: 'host' }]));
        // Every strict prefix cuts a length-delimited field short.
        return metricsRequest('truncated protobuf', protobuf, body.subarray(0, 1 + (cut % (body.length - 1))), 'refused');
      }),
    },
    {
      weight: 4,
      arbitrary: fc
        .record({ points: unusablePoints, name: fc.constantFrom('fuzz.x', 'Fuzz-X', '💥', 'a'.repeat(300)), encoding: fc.constantFrom('json', 'protobuf') })
        .map(({ points, name, encoding }) => {
          const request = otlpWithPoints(name, points);
          // ProtoJSON writes non-finite doubles as the strings "NaN", "Infinity" and "-Infinity".
          return encoding === 'protobuf'
            ? metricsRequest('OTLP points without a usable value', protobuf, encodeOtlp(request), 'pointsRejected', points.length)
            : metricsRequest('OTLP points without a usable value', json, JSON.stringify(request, (_key, value: unknown) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value)), 'pointsRejected', points.length);
        }),
    },
    { weight: 5, arbitrary: wrongOtlpJson.map((request) => metricsRequest('OTLP/JSON with wrong types', json, JSON.stringify(request), 'refused')) },
    {
      weight: 2,
      arbitrary: fc.integer({ min: 50, max: 30_000 }).map((depth) => metricsRequest('OTLP/JSON nested too deep', json, deepOtlpAttribute(depth), 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc
        .jsonValue({ maxDepth: 2 })
        .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value))
        .map((value) => metricsRequest('OTLP/JSON not an object', json, JSON.stringify(value) ?? 'null', 'refused')),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(undefined, 'text/plain', 'application/protobuf', 'application/grpc', 'application/x-protobuf-json')
        .map((contentType) =>
          metricsRequest('OTLP wrong content type', { ...bearer(apiKey), ...(contentType === undefined ? {} : { 'content-type': contentType }) }, '{}', 'refused'),
        ),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom<Record<string, string>>({}, { authorization: 'Bearer nope' }, bearer(revokedApiKey))
        .map((auth) => metricsRequest('OTLP bad key', { ...auth, 'content-type': 'application/x-protobuf' }, encodeOtlp(otlpWithPoints('fuzz.x', [])), 'refused')),
    },
    {
      weight: 1,
      arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => metricsRequest('OTLP bad gzip', { ...protobuf, 'content-encoding': 'gzip' }, Buffer.from(bytes), 'refused')),
    },
    {
      weight: 1,
      arbitrary: fc.constant(null).map(() => metricsRequest('OTLP oversized', protobuf, Buffer.alloc(MIB + 1_024, 0x0a), 'refused')),
    },
  );
};
