import fc from 'fast-check';
import { ATTRIBUTE_KEY_PATTERN } from '@telemetry/contracts';
import type { Expectation, HostileRequest } from './hostile-request';

/**
 * Generators of malformed and hostile GraphQL requests (POST /graphql, and a few GETs), each with the
 * answer it must get: GraphQL errors with a message and a non-internal code, or (for hostile strings
 * that are legal values, such as SQL in a filter value) data without a single row.
 */

export interface GraphqlCredentials {
  adminToken: string;
  viewerToken: string;
  revokedToken: string;
  /** A metric with data, so a filter that escaped its bind parameter would return rows. */
  metric: string;
  /** An attribute key of that metric. */
  attributeKey: string;
}

const FROM = '2026-01-01T00:00:00Z';
const TO = '2027-01-01T00:00:00Z';

/** SQL, JSON-path and formula fragments; none contains a phrase the leak check looks for. */
const INJECTIONS = [
  "' OR '1'='1",
  "' OR 1=1 --",
  "'); DROP TABLE data_points; --",
  '"; DELETE FROM rollups_1m; --',
  "x' UNION ALL SELECT sum(value) FROM data_points --",
  "' || pg_sleep(5) || '",
  '$1',
  '$$ OR true $$',
  '{a,b}',
  "attributes->>'shard'",
  '\\\\',
  '%',
  '_',
  '\\x00',
  '*/ OR 1=1 /*',
  '${process.exit()}',
  'constructor.constructor("return process")()',
  '../../../../etc/passwd',
  '<script>alert(1)</script>',
];
/** Keys of this shape are legal attribute keys ("_" is one): a filter on them matches nothing, it is not refused. */
const ATTRIBUTE_KEY = new RegExp(ATTRIBUTE_KEY_PATTERN);
const injection = fc.oneof(fc.constantFrom(...INJECTIONS), fc.string({ minLength: 1, maxLength: 60 }).map((text) => `'${text}`));

const post = (kind: string, token: string | undefined, payload: unknown, expect: Expectation = 'graphqlError', headers: Record<string, string> = {}): HostileRequest => ({
  target: 'graphql',
  kind,
  method: 'POST',
  path: '/graphql',
  headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }), ...headers },
  body: Buffer.isBuffer(payload) ? payload : Buffer.from(typeof payload === 'string' ? payload : JSON.stringify(payload)),
  expect,
});

const seriesQuery = (metric: string, extra = '') => `{ series(metric: ${JSON.stringify(metric)}, from: "${FROM}", to: "${TO}", step: "1d"${extra}) { group points { t count sum } } }`;
const nested = (depth: number, open: (level: number) => string, inner: string, close: string) =>
  `${Array.from({ length: depth }, (_, level) => open(level)).join('')}${inner}${close.repeat(depth)}`;

export const hostileGraphqlRequests = (credentials: GraphqlCredentials): fc.Arbitrary<HostileRequest> => {
  const { adminToken, viewerToken, revokedToken, metric, attributeKey } = credentials;
  const valid = seriesQuery(metric, `, groupBy: ["${attributeKey}"]`);
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 300 }).map((query) => post('unparseable query', adminToken, { query })) },
    {
      weight: 2,
      arbitrary: fc.nat().map((cut) => post('truncated query', adminToken, { query: valid.slice(0, cut % valid.length) })),
    },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.integer({ min: 9, max: 2_000 }).map((depth) => `{ metrics { ${nested(depth, (level) => `f${level} { `, 'name', ' }')} } }`),
        fc.integer({ min: 3, max: 40 }).map((depth) => `{ __schema { types { ${nested(depth, () => 'fields { type { ', 'name', ' } }')} } } }`),
        fc.integer({ min: 1_000, max: 40_000 }).map((depth) => nested(depth, () => '{a', '', '}')),
        fc.integer({ min: 100, max: 20_000 }).map((depth) => seriesQuery(metric, `, where: ${nested(depth, () => '[', '{key: "a", op: EQ, value: "b"}', ']')}`)),
      ).map((query) => post('deep query', adminToken, { query })),
    },
    {
      weight: 2,
      arbitrary: fc.integer({ min: 12, max: 300 }).map((count) =>
        post('aliased connections', adminToken, {
          query: `{ ${Array.from({ length: count }, (_, i) => `a${i}: anomalies(first: 500) { edges { node { id metric value } } }`).join(' ')} }`,
        }),
      ),
    },
    {
      weight: 4,
      arbitrary: fc
        .record({ key: injection.filter((key) => !ATTRIBUTE_KEY.test(key)), place: fc.constantFrom('where', 'groupBy') })
        .map(({ key, place }) =>
          post(
            'injection in an attribute key',
            adminToken,
            place === 'where'
              ? { query: `query($w: [AttributeFilter!]) ${seriesQuery(metric, ', where: $w')}`, variables: { w: [{ key, op: 'EQ', value: 'x' }] } }
              : { query: `query($g: [String!]) ${seriesQuery(metric, ', groupBy: $g')}`, variables: { g: [attributeKey, key] } },
          ),
        ),
    },
    {
      weight: 4,
      arbitrary: fc
        .record({ value: injection, op: fc.constantFrom('EQ', 'IN', 'PREFIX') })
        .map(({ value, op }) =>
          post('injection in a filter value', adminToken, {
            query: `query($w: [AttributeFilter!]) ${seriesQuery(metric, ', where: $w')}`,
            variables: { w: [{ key: attributeKey, op, value }] },
          }, 'graphqlEmpty'),
        ),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({ name: injection, field: fc.constantFrom('series', 'anomalies', 'patterns', 'metric', 'consent') })
        .map(({ name, field }) => {
          const queries: Record<string, string> = {
            series: `query($m: String!) { series(metric: $m, from: "${FROM}", to: "${TO}", step: "1d") { group } }`,
            anomalies: 'query($m: String) { anomalies(metric: $m, first: 5) { edges { node { id } } } }',
            patterns: `query($m: String!) { patterns(metric: $m, from: "${FROM}", to: "${TO}") { kind } }`,
            metric: 'query($m: String!) { metric(name: $m) { name } }',
            consent: 'query($m: String!) { consent(subjectId: $m) { subject } }',
          };
          return post('injection in a name', adminToken, { query: queries[field], variables: { m: name } }, 'graphqlEmpty');
        }),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom<[string, Record<string, unknown>]>(
          ['query($f: Int) { anomalies(first: $f) { edges { cursor } } }', { f: 'ten' }],
          ['query($f: Int) { anomalies(first: $f) { edges { cursor } } }', { f: 2 ** 31 }],
          ['query($f: Int) { anomalies(first: $f) { edges { cursor } } }', { f: 1.5 }],
          ['query($f: Int) { anomalies(first: $f) { edges { cursor } } }', { f: { $gt: 0 } }],
          [`query($from: DateTime!) { series(metric: "${metric}", from: $from, to: "${TO}") { group } }`, { from: 'yesterday' }],
          [`query($from: DateTime!) { series(metric: "${metric}", from: $from, to: "${TO}") { group } }`, { from: '2026-13-01T00:00:00Z' }],
          [`query($from: DateTime!) { series(metric: "${metric}", from: $from, to: "${TO}") { group } }`, { from: null }],
          [`query($from: DateTime!) { series(metric: "${metric}", from: $from, to: "${TO}") { group } }`, { from: 1e30 }],
          [`query($from: DateTime!) { series(metric: "${metric}", from: $from, to: "${TO}") { group } }`, {}],
          ['query($w: [AttributeFilter!]) { series(metric: "x", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", where: $w) { group } }', { w: [{ key: 'a', op: 'LIKE', value: '%' }] }],
          ['query($w: [AttributeFilter!]) { series(metric: "x", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", where: $w) { group } }', { w: [{ key: 'a', op: 'EQ', value: 'b', sql: '1=1' }] }],
          ['query($w: [AttributeFilter!]) { series(metric: "x", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", where: $w) { group } }', { w: [{ key: 'a', op: 'EQ' }] }],
          ['query($w: [AttributeFilter!]) { series(metric: "x", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", where: $w) { group } }', { w: 'a=b' }],
          ['query($s: IncidentStatus) { incidents(status: $s) { edges { cursor } } }', { s: 'DELETED' }],
          ['query($r: Role!) { metrics { name } }', { r: 'ROOT' }],
          ['query($m: String!) { metric(name: $m) { name } }', { m: ['a', 'b'] }],
          ['query($m: String!) { metric(name: $m) { name } }', { m: { toString: 'x' } }],
        )
        .map(([query, variables]) => post('wrong variable types', adminToken, { query, variables })),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          '{ nope }',
          '{ metrics { password } }',
          `{ series(metric: "x", from: "${FROM}", to: "${TO}", sql: "1=1") { group } }`,
          'query($x: Nope) { metrics { name } }',
          'mutation { dropTable }',
          '{ metrics { ...F } } fragment F on Nope { name }',
          '{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }',
          '{ metrics @nope { name } }',
          '{ metrics { name(arg: 1) } }',
          '{ anomalies { edges { node } } }',
          'subscription { anomalyDetected { id } }',
          'query A { metrics { name } } query B { metrics { name } }',
          '{ __schema { __proto__ } }',
          '{ constructor { prototype } }',
        )
        .map((query) => post('unknown or invalid fields', adminToken, { query })),
    },
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.integer({ min: 101, max: 3_000 }).map((count) => ({ query: `query($w: [AttributeFilter!]) ${seriesQuery(metric, ', where: $w')}`, variables: { w: [{ key: attributeKey, op: 'IN', value: Array.from({ length: count }, (_, i) => `v${i}`).join(',') }] } })),
        fc.integer({ min: 17, max: 500 }).map((count) => ({ query: `query($w: [AttributeFilter!]) ${seriesQuery(metric, ', where: $w')}`, variables: { w: Array.from({ length: count }, (_, i) => ({ key: `k${i}`, op: 'EQ', value: 'x' })) } })),
        fc.integer({ min: 9, max: 500 }).map((count) => ({ query: `query($g: [String!]) ${seriesQuery(metric, ', groupBy: $g')}`, variables: { g: Array.from({ length: count }, (_, i) => `k${i}`) } })),
        fc.integer({ min: 65, max: 200_000 }).map((length) => ({ query: `query($g: [String!]) ${seriesQuery(metric, ', groupBy: $g')}`, variables: { g: ['k'.repeat(length)] } })),
        fc.integer({ min: 257, max: 200_000 }).map((length) => ({ query: `query($w: [AttributeFilter!]) ${seriesQuery(metric, ', where: $w')}`, variables: { w: [{ key: attributeKey, op: 'EQ', value: 'v'.repeat(length) }] } })),
        fc.constantFrom('1s', '0m', '-5m', '1y', '999999999999d', '1.5h', 'm', '5 m').map((step) => ({ query: `{ series(metric: "${metric}", from: "${FROM}", to: "${TO}", step: "${step}") { group } }` })),
        fc.constant({ query: `{ series(metric: "${metric}", from: "0001-01-01T00:00:00Z", to: "9999-12-31T00:00:00Z", step: "1m") { group } }` }),
        fc.constant({ query: `{ series(metric: "${metric}", from: "${TO}", to: "${FROM}") { group } }` }),
        fc.integer({ min: 1_100_000, max: 1_300_000 }).map((length) => ({ query: `{ metrics { name } } # ${'x'.repeat(length)}` })),
      ).map((payload) => post('huge or out-of-range input', adminToken, payload)),
    },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.constantFrom<string | undefined>(undefined, '', 'nope', revokedToken, `${adminToken}x`, adminToken.slice(0, -1), 'Bearer', ' '),
          fc.string({ minLength: 1, maxLength: 2_000 }).map((junk) => junk.replace(/[^\x21-\x7e]/g, 'x')),
        )
        .map((token) => post('bad or revoked token', undefined, { query: '{ sources { id name } }' }, 'graphqlError', token === undefined ? {} : { authorization: token === ' ' ? 'Basic YTpi' : `Bearer ${token}` })),
    },
    {
      weight: 2,
      arbitrary: fc
        .constantFrom(
          'mutation { createToken(name: "evil", role: ADMIN) { token } }',
          'mutation { revokeSource(id: "00000000-0000-0000-0000-000000000000") { id } }',
          'mutation { defineMetric(input: {name: "fuzz.evil", type: "gauge"}) { name } }',
          'mutation { requestErasure(subjectId: "someone") { id } }',
        )
        .map((query) => post('viewer calling an admin mutation', viewerToken, { query })),
    },
    {
      weight: 3,
      arbitrary: fc
        .record({
          odd: fc.constantFrom('a\u0000b', '\u0000', "x\u0000' OR 1=1"),
          field: fc.constantFrom('where', 'metric', 'anomalies', 'patterns', 'metricByName', 'defineMetric', 'createSource'),
        })
        .map(({ odd, field }) => {
          const payloads: Record<string, { query: string; variables: Record<string, unknown> }> = {
            where: { query: `query($w: [AttributeFilter!]) ${seriesQuery(metric, ', where: $w')}`, variables: { w: [{ key: attributeKey, op: 'EQ', value: odd }] } },
            metric: { query: `query($m: String!) { series(metric: $m, from: "${FROM}", to: "${TO}", step: "1d") { group } }`, variables: { m: odd } },
            anomalies: { query: 'query($m: String) { anomalies(metric: $m) { edges { cursor } } }', variables: { m: odd } },
            patterns: { query: `query($m: String!) { patterns(metric: $m, from: "${FROM}", to: "${TO}") { kind } }`, variables: { m: odd } },
            metricByName: { query: 'query($m: String!) { metric(name: $m) { name } }', variables: { m: odd } },
            defineMetric: {
              query: 'mutation($i: MetricInput!) { defineMetric(input: $i) { name } }',
              variables: { i: { name: 'fuzz.nul', type: 'gauge', description: odd, owner: 'fuzz', hypothesis: odd, action: odd, purpose: 'none', expires: 'never' } },
            },
            createSource: { query: 'mutation($n: String!) { createSource(name: $n) { apiKey } }', variables: { n: odd } },
          };
          return post('NUL in a string argument', adminToken, payloads[field]);
        }),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(
          'mutation { defineMetric(input: {name: "9bad", type: "gauge"}) { name } }',
          'mutation { defineMetric(input: {name: "Fuzz.Bad", type: "derived", formula: "1; DROP TABLE data_points"}) { name } }',
          'mutation { defineMetric(input: {name: "fuzz bad", type: "derived", formula: "constructor.constructor(\\"return process\\")()"}) { name } }',
          'mutation { defineMetric(input: {name: "", type: "histogramz"}) { name } }',
          'mutation { defineMetric(input: {name: "__proto__", type: "gauge"}) { name } }',
          'mutation { createSource(name: "") { apiKey } }',
          `mutation { createSource(name: "${'s'.repeat(5_000)}") { apiKey } }`,
          'mutation { recordConsent(subjectId: "u", purposes: []) { subject } }',
          'mutation { recordConsent(subjectId: "u", purposes: [{purpose: "__proto__", granted: true}]) { subject } }',
          `mutation { recordConsent(subjectId: "${'u'.repeat(200)}", purposes: [{purpose: "analytics", granted: true}]) { subject } }`,
          'mutation { requestErasure(subjectId: "") { id } }',
          'mutation { revokeSource(id: "not-a-uuid") { id } }',
          'mutation { revokeSource(id: "\'; DROP TABLE sources; --") { id } }',
          'mutation { acknowledgeIncident(id: "abc") { id } }',
          'mutation { resolveIncident(id: "-1") { id } }',
          'mutation { resolveIncident(id: "99999999999999999999999999") { id } }',
          'mutation { retireMetric(name: "fuzz.never.defined") { name } }',
          'mutation { createToken(name: "", role: VIEWER) { token } }',
        )
        .map((query) => post('invalid mutation input', adminToken, { query })),
    },
    {
      weight: 3,
      arbitrary: fc
        .constantFrom<[Buffer | string, Record<string, string>]>(
          ['[]', {}],
          [JSON.stringify([{ query: '{ metrics { name } }' }]), {}],
          ['{', {}],
          ['', {}],
          ['{}', {}],
          ['null', {}],
          [JSON.stringify({ query: '{ metrics { name } }', operationName: 'Nope' }), {}],
          [JSON.stringify({ query: 42 }), {}],
          [JSON.stringify({ query: '{ metrics { name } }', variables: 'x' }), {}],
          [JSON.stringify({ query: '{ metrics { name } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }), {}],
          [JSON.stringify({ query: '{ metrics { name } }' }), { 'content-type': 'text/plain' }],
          [JSON.stringify({ query: '{ metrics { name } }' }), { 'content-type': 'application/x-www-form-urlencoded' }],
          [JSON.stringify({ query: '{ metrics { name } }' }), { 'content-type': 'application/xml' }],
          [Buffer.from(JSON.stringify({ query: '{ metrics { name } }' }), 'utf16le'), {}],
        )
        .map(([body, headers]) => post('malformed request body', adminToken, body, 'graphqlError', headers)),
    },
    {
      weight: 1,
      arbitrary: fc
        .constantFrom(
          '/graphql?query=' + encodeURIComponent('mutation { createToken(name: "evil", role: ADMIN) { token } }'),
          '/graphql',
          '/graphql?query=' + encodeURIComponent('{ nope }'),
          '/graphql?query=%7B&variables=%7B',
        )
        .map(
          (path): HostileRequest => ({
            target: 'graphql',
            kind: 'GET with a mutation or nothing',
            method: 'GET',
            path,
            headers: { authorization: `Bearer ${adminToken}`, 'apollo-require-preflight': 'true' },
            body: Buffer.alloc(0),
            expect: 'graphqlError',
          }),
        ),
    },
  );
};
