import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadConfig } from '@telemetry/config';
import { createTestDatabase, createTestTopics, testKafka } from '@telemetry/test-support';
import type { Pool } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createApiApp } from '../src/api-app';
import { apiConfigSchema } from '../src/config';

/**
 * npm run bench:query — GraphQL `series` latency over HTTP on 30 days of 1-minute rollups of one
 * metric with 10 series (432,000 rows in rollups_1m, COPYed), plus the rollups_1h rows the
 * processor's hourly job would have written from them. Measures, sequentially over HTTP:
 * a 30-day range at 1h step and a 24-hour range at 1m step, merged over all series (the headline
 * figures) and grouped by series, next to the floor of a trivial authenticated query (the machine
 * is shared, so that floor says how loaded it was). Prints p50/p95 and the CPU time per request of the
 * bench process (API and its HTTP client) and of PostgreSQL, the figures to compare on a busy machine,
 * and ends with one JSON line. Runs with NODE_ENV=production (see package.json), as a deployed API would.
 */
const METRIC = 'bench.latency';
const SERIES_COUNT = 10;
const DAYS = 30;
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
const WARMUP_REQUESTS = 10;
const MEASURED_REQUESTS = 120;
const ADMIN_TOKEN = 'bench-query-admin-token-0123456789';

/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * CPU time (ms) of each PostgreSQL backend serving this database, from /proc: the share of a request
 * spent in SQL, which the bench process's own CPU time leaves out. Null when the server is not local.
 */
const databaseCpuMs = async (pool: Pool): Promise<Map<number, number> | null> => {
  const { rows } = await pool.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`);
  const byBackend = new Map<number, number>();
  for (const { pid } of rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      byBackend.set(pid, ((Number(fields[11]) + Number(fields[12])) * 1_000) / CLOCK_TICKS_PER_SECOND);
    } catch {
      return null;
    }
  }
  return byBackend;
};

/** CPU the backends spent between two readings; a backend that started in between counts from zero. */
const databaseCpuSpentMs = (before: Map<number, number> | null, after: Map<number, number> | null): number | null =>
  before === null || after === null ? null : [...after].reduce((sum, [pid, ms]) => sum + ms - (before.get(pid) ?? 0), 0);

const percentile = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
const round = (value: number) => Math.round(value * 100) / 100;

/** Tab-separated COPY rows, generated in chunks so 432,000 rows never sit in memory as one string. */
function* rollupRows(startMs: number, minutes: number): Generator<string> {
  let chunk = '';
  for (let minute = 0; minute < minutes; minute += 1) {
    const at = new Date(startMs + minute * MINUTE_MS).toISOString();
    const daily = Math.sin((2 * Math.PI * minute) / 1_440);
    for (let series = 0; series < SERIES_COUNT; series += 1) {
      const base = 100 + series * 10 + 20 * daily;
      const count = 50 + ((minute * 7 + series * 13) % 20);
      const noise = ((minute * 31 + series * 17) % 11) - 5;
      const mean = base + noise;
      chunk += `${METRIC}\thost=h${series}\t${at}\t{"host": "h${series}", "region": "${series % 2 === 0 ? 'eu' : 'us'}"}\t${count}\t${mean * count}\t${mean - 40}\t${mean + 120}\t${mean - 5}\t${mean + 60}\t${mean + 110}\n`;
    }
    if (minute % 500 === 499) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

const main = async () => {
  const db = await createTestDatabase();
  const kafka = testKafka();
  const { suffix } = await createTestTopics(kafka, 1);
  const nowMs = Date.now();
  const endMs = Math.floor(nowMs / MINUTE_MS) * MINUTE_MS;
  const startMs = endMs - DAYS * DAY_MS;
  const minutes = (endMs - startMs) / MINUTE_MS;
  try {
    const seedStarted = performance.now();
    const client = await db.pool.connect();
    try {
      const copy = client.query(copyFrom('COPY rollups_1m (metric, series, bucket_start, attributes, count, sum, min, max, p50, p95, p99) FROM STDIN'));
      await pipeline(Readable.from(rollupRows(startMs, minutes)), copy);
      // What the processor's hourly job writes: whole hours only, merged from the 1-minute buckets.
      await client.query(
        `INSERT INTO rollups_1h (metric, series, bucket_start, attributes, count, sum, min, max, p50, p95, p99)
         SELECT metric, series, date_trunc('hour', bucket_start), (array_agg(attributes))[1], sum(count), sum(sum), min(min), max(max),
                sum(p50 * count) / sum(count), max(p95), max(p99)
         FROM rollups_1m WHERE metric = $1 AND bucket_start < date_trunc('hour', now())
         GROUP BY metric, series, date_trunc('hour', bucket_start)`,
        [METRIC],
      );
      await client.query('ANALYZE rollups_1m; ANALYZE rollups_1h');
    } finally {
      client.release();
    }
    const counts = await db.pool.query(`SELECT (SELECT count(*) FROM rollups_1m)::int AS m, (SELECT count(*) FROM rollups_1h)::int AS h`);
    process.stdout.write(
      `seeded ${counts.rows[0].m} rows in rollups_1m and ${counts.rows[0].h} in rollups_1h (${DAYS} days, ${SERIES_COUNT} series) in ${Math.round(performance.now() - seedStarted)} ms\n`,
    );

    const config = loadConfig(apiConfigSchema, {
      DATABASE_URL: db.url,
      KAFKA_TOPIC_SUFFIX: suffix,
      API_PORT: '0',
      API_HOST: '127.0.0.1',
      TELEMETRY_ADMIN_TOKEN: ADMIN_TOKEN,
      LOG_LEVEL: 'warn',
      API_DASHBOARD_DIR: '/nonexistent-dashboard',
      // The npm script runs with NODE_ENV=production, as a deployment does (graphql-js skips its development checks).
      NODE_ENV: process.env['NODE_ENV'] ?? 'production',
      PSEUDONYM_KEY: 'bench-query-pseudonym-key-0123456789abcdef',
    });
    const app = await createApiApp(config);
    const query = `query($from: DateTime!, $to: DateTime!, $step: String, $groupBy: [String!]) {
      series(metric: "${METRIC}", from: $from, to: $to, step: $step, groupBy: $groupBy) { group points { t count sum min max avg p50 p95 p99 value } } }`;
    const measure = async (name: string, rangeMs: number, step: string | null, groupBy: string[] | null, text = query) => {
      const variables = step === null ? {} : { from: new Date(endMs - rangeMs).toISOString(), to: new Date(endMs).toISOString(), step, groupBy };
      const once = async () => {
        const started = performance.now();
        const response = await fetch(`${app.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
          body: JSON.stringify({ query: text, variables }),
        });
        const body = (await response.json()) as { data?: { series?: Array<{ points: unknown[] }> }; errors?: unknown[] };
        const elapsedMs = performance.now() - started;
        if (body.errors || !body.data) throw new Error(`${name}: ${JSON.stringify(body.errors)}`);
        const series = body.data.series ?? [];
        return { elapsedMs, points: series.reduce((sum, one) => sum + one.points.length, 0), groups: series.length };
      };
      for (let i = 0; i < WARMUP_REQUESTS; i += 1) await once();
      const timings: number[] = [];
      let shape = { points: 0, groups: 0 };
      const databaseCpuBefore = await databaseCpuMs(db.pool);
      const cpuBefore = process.cpuUsage();
      for (let i = 0; i < MEASURED_REQUESTS; i += 1) {
        const result = await once();
        timings.push(result.elapsedMs);
        shape = result;
      }
      const cpu = process.cpuUsage(cpuBefore);
      const databaseCpuAfter = await databaseCpuMs(db.pool);
      // Per request, less sensitive to a shared machine than wall-clock: the bench process (API and its HTTP client) and the SQL.
      const cpuMs = round((cpu.user + cpu.system) / 1_000 / MEASURED_REQUESTS);
      const databaseCpuSpent = databaseCpuSpentMs(databaseCpuBefore, databaseCpuAfter);
      const dbCpuMs = databaseCpuSpent === null ? null : round(databaseCpuSpent / MEASURED_REQUESTS);
      timings.sort((a, b) => a - b);
      const p50 = round(percentile(timings, 50));
      const p95 = round(percentile(timings, 95));
      process.stdout.write(
        `${name.padEnd(28)} ${String(shape.groups).padStart(3)} groups ${String(shape.points).padStart(6)} points  p50 ${p50} ms  p95 ${p95} ms  ` +
          `cpu/request: api+client ${cpuMs} ms, postgres ${dbCpuMs ?? 'n/a'} ms\n`,
      );
      return { p50, p95, cpuMs, dbCpuMs };
    };
    try {
      // A request that reads nothing: the machine's own floor for one authenticated GraphQL round trip right now.
      const floor = await measure('floor: { metrics { name } }', 0, null, null, '{ metrics { name } }');
      const merged30d = await measure('30d @ 1h (all series)', 30 * DAY_MS, '1h', null);
      const merged24h = await measure('24h @ 1m (all series)', DAY_MS, '1m', null);
      const grouped30d = await measure('30d @ 1h (groupBy host)', 30 * DAY_MS, '1h', ['host']);
      const grouped24h = await measure('24h @ 1m (groupBy host)', DAY_MS, '1m', ['host']);
      process.stdout.write(
        `${JSON.stringify({
          bench: 'query',
          p50Ms30d1h: merged30d.p50,
          p95Ms30d1h: merged30d.p95,
          p50Ms24h1m: merged24h.p50,
          p95Ms24h1m: merged24h.p95,
          p95Ms30d1hGroupedBy10: grouped30d.p95,
          p95Ms24h1mGroupedBy10: grouped24h.p95,
          p95MsFloor: floor.p95,
          cpuMsPerRequest30d1h: merged30d.cpuMs,
          cpuMsPerRequest24h1m: merged24h.cpuMs,
          dbCpuMsPerRequest30d1h: merged30d.dbCpuMs,
          dbCpuMsPerRequest24h1m: merged24h.dbCpuMs,
          targetP95Ms: 100,
        })}\n`,
      );
    } finally {
      await app.close();
    }
  } finally {
    await db.drop();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`bench:query failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
