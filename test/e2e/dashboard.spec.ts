import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_ARGS, CHROMIUM_PATH, startStack, type Stack } from '@telemetry/test-support';

/**
 * The dashboard (apps/dashboard) in Debian's Chromium against the whole stack as processes: the
 * API serves the production build at / and the browser talks only GraphQL (HTTP + graphql-ws).
 * Screenshots go to test-artifacts/dashboard/.
 */

const root = join(__dirname, '..', '..');
const ARTIFACTS = join(root, 'test-artifacts', 'dashboard');
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

const LATENCY = 'dash.latency';
const SIGNUPS = 'dash.signups';
const LEGACY = 'dash.legacy';
const ALERT_ABOVE_MS = 1_000;
const SPIKE_MS = 4_800;

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const graphql = async <T>(stack: Stack, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> => {
  const response = await fetch(`${stack.apiUrl}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
  if (body.errors?.length || !body.data) throw new Error(`GraphQL failed: ${JSON.stringify(body.errors)}`);
  return body.data;
};

const DEFINE_METRIC = `mutation ($input: MetricInput!) { defineMetric(input: $input) { name } }`;

const defineCatalog = async (stack: Stack) => {
  const now = Date.now();
  const common = { unit: 'ms', owner: 'payments', purpose: 'none', attributes: ['region'] };
  const inputs = [
    {
      ...common,
      name: LATENCY,
      type: 'gauge',
      description: 'Time from click to confirmation.',
      hypothesis: 'Latency above 1 s loses customers.',
      action: 'Page the payments on-call; roll back the last release.',
      expires: isoDay(now + 200 * DAY_MS),
      alert: { above: ALERT_ABOVE_MS },
      // Scored per raw point (not per closed minute), so a spike shows up within seconds.
      highResolution: true,
    },
    {
      ...common,
      name: SIGNUPS,
      type: 'counter',
      unit: 'signups',
      owner: 'growth',
      purpose: 'analytics',
      description: 'Completed sign-ups.',
      hypothesis: 'The new onboarding raises sign-ups by 5%.',
      action: 'Keep the onboarding if it does; else revert it.',
      expires: isoDay(now + 10 * DAY_MS),
    },
    {
      ...common,
      name: LEGACY,
      type: 'gauge',
      owner: 'platform',
      description: 'Old page-load timing.',
      hypothesis: 'Replaced by web vitals.',
      action: 'Retire it.',
      expires: isoDay(now - 3 * DAY_MS),
    },
  ];
  for (const input of inputs) await graphql(stack, stack.adminToken, DEFINE_METRIC, { input });
};

/** An hour of 1-minute rollups for two regions, as the processor would have written them. */
const seedHistory = async (stack: Stack) => {
  const endMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
  const columns = { series: [] as string[], bucketStart: [] as string[], attributes: [] as string[], avg: [] as number[] };
  for (let minute = 60; minute >= 1; minute--) {
    for (const [region, base] of [['eu', 120], ['us', 180]] as const) {
      columns.series.push(`region=${region}`);
      columns.bucketStart.push(new Date(endMs - minute * MINUTE_MS).toISOString());
      columns.attributes.push(JSON.stringify({ region }));
      columns.avg.push(base + 25 * Math.sin(minute / 6) + (minute % 7));
    }
  }
  const COUNT = 20;
  await stack.db.pool.query(
    `INSERT INTO rollups_1m (metric, series, bucket_start, attributes, count, sum, min, max, p50, p95, p99)
     SELECT $1, series, bucket_start, attributes, $2::int, avg * $2::int, avg * 0.6, avg * 1.9, avg, avg * 1.6, avg * 1.8
     FROM unnest($3::text[], $4::timestamptz[], $5::jsonb[], $6::float8[]) AS t(series, bucket_start, attributes, avg)`,
    [LATENCY, COUNT, columns.series, columns.bucketStart, columns.attributes, columns.avg],
  );
};

/**
 * An open incident with one anomaly on the us series, 5 minutes ago (inside the anomaly service's
 * 15-minute quiet period, so its sweep leaves it open): something to acknowledge and a marker to see.
 */
const seedIncident = async (stack: Stack): Promise<string> => {
  const atMs = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS - 5 * MINUTE_MS;
  const { rows } = await stack.db.pool.query<{ id: string }>(
    `INSERT INTO incidents (metric, series, status, severity, opened_at, last_anomaly_at, anomaly_count, max_score, summary)
     VALUES ($1, 'region=us', 'open', 'critical', $2, $2, 1, 0.97, 'dash.latency region=us 640 ms, expected about 180 ms')
     RETURNING id::text AS id`,
    [LATENCY, new Date(atMs)],
  );
  const incidentId = rows[0]!.id;
  await stack.db.pool.query(
    `INSERT INTO anomalies (id, metric, series, at, value, expected, score, detector, severity, incident_id)
     VALUES ($1, $2, 'region=us', $3, 640, 180, 0.97, 'seasonal', 'critical', $4)`,
    [`seeded-${randomUUID()}`, LATENCY, new Date(atMs), incidentId],
  );
  return incidentId;
};

const sendEvents = async (stack: Stack, apiKey: string, values: readonly number[]) => {
  const nowMs = Date.now();
  const events = values.map((value, index) => ({
    id: randomUUID(),
    metric: LATENCY,
    value,
    timestamp: nowMs - (values.length - index) * 1_000,
    attributes: { region: 'eu' },
  }));
  const response = await fetch(`${stack.ingestUrl}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
    body: JSON.stringify({ events }),
  });
  expect(response.status).toBe(202);
};

const screenshot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });

describe('dashboard in Chromium against the running stack', () => {
  let stack: Stack;
  let context: BrowserContext;
  let page: Page;
  let buildDir: string;
  let userDataDir: string;
  let incidentId: string;
  let apiKey: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) execFileSync('bash', [join(root, 'scripts', 'ensure-chromium.sh')], { stdio: 'inherit' });
    mkdirSync(ARTIFACTS, { recursive: true });
    // The production build of the code under test, served by the API from its own directory.
    buildDir = mkdtempSync(join(tmpdir(), 'dashboard-dist-'));
    execFileSync(process.execPath, [join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'apps/dashboard/vite.config.mts', '--outDir', buildDir, '--logLevel', 'warn'], {
      cwd: root,
      stdio: 'inherit',
    });
    stack = await startStack({ extraEnv: { API_DASHBOARD_DIR: buildDir } });
    await defineCatalog(stack);
    await seedHistory(stack);
    incidentId = await seedIncident(stack);
    const created = await graphql<{ createSource: { apiKey: string } }>(stack, stack.adminToken, `mutation { createSource(name: "dashboard-e2e") { apiKey } }`);
    apiKey = created.createSource.apiKey;
    userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1400, height: 900 },
    });
    page = await context.newPage();
  });

  afterAll(async () => {
    await context?.close();
    await stack?.stopAll();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    if (buildDir) rmSync(buildDir, { recursive: true, force: true });
  });

  it('serves the app at / and refuses an unknown token', async () => {
    await page.goto(`${stack.apiUrl}/`);
    await page.getByLabel('API token').fill('not-a-real-token-0123456789');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('unknown or revoked');
    await screenshot(page, '01-sign-in-refused');
  });

  it('signs in as admin and shows the catalog with expiring and expired metrics standing out', async () => {
    await page.getByLabel('API token').fill(stack.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Catalog' }).waitFor();
    expect(await page.getByTestId('role').textContent()).toBe('admin');
    const latency = page.locator(`tr[data-metric="${LATENCY}"]`);
    await expect.poll(() => latency.textContent()).toContain('Latency above 1 s loses customers.');
    expect(await latency.textContent()).toContain('payments');
    expect(await latency.textContent()).toContain('Page the payments on-call');
    expect(await latency.getAttribute('class')).toBe('expiry-ok');
    expect(await page.locator(`tr[data-metric="${SIGNUPS}"]`).getAttribute('class')).toBe('expiry-soon');
    expect(await page.locator(`tr[data-metric="${SIGNUPS}"] .expiry-badge`).textContent()).toBe('in 10 d');
    expect(await page.locator(`tr[data-metric="${LEGACY}"]`).getAttribute('class')).toBe('expiry-expired');
    // The session survives a reload (sessionStorage), so the app opens signed in.
    await page.reload();
    await page.getByRole('heading', { name: 'Catalog' }).waitFor();
    await screenshot(page, '02-catalog');
  });

  it('opens a metric: a chart of avg/p95 with the stored anomaly marked, then a live marker after a spike is sent through ingest', async () => {
    await page.locator(`tr[data-metric="${LATENCY}"] a.metric-name`).click();
    await page.getByRole('heading', { name: LATENCY }).waitFor();
    const chart = page.getByTestId('series-chart');
    await chart.locator('canvas').waitFor();
    await expect.poll(() => chart.locator('.anomaly-marker').count(), { timeout: 15_000 }).toBe(1);
    await page.getByLabel('Group by').selectOption('region');
    await expect.poll(() => page.locator('.u-legend').textContent()).toContain('region=us avg');
    await screenshot(page, '03-series-seeded-anomaly');

    // The privacy service and the anomaly service learn the catalog from catalog.v1 asynchronously:
    // until they have it the events are dead-lettered, so the spike is re-sent until it is seen.
    const deadline = Date.now() + 90_000;
    let markers = 1;
    while (markers < 2 && Date.now() < deadline) {
      await sendEvents(stack, apiKey, [118, 124, 131, 122, SPIKE_MS]);
      await page.waitForTimeout(3_000);
      markers = await chart.locator('.anomaly-marker').count();
    }
    expect(markers).toBeGreaterThanOrEqual(2);
    const liveRow = page.getByTestId('anomaly-table').locator('tbody tr', { hasText: '4,800' }).first();
    expect(await liveRow.textContent()).toContain('eu');
    // Marked "fresh" only when it arrived over the anomalyDetected subscription, not a refetch.
    expect(await liveRow.getAttribute('class')).toBe('fresh');
    const { rows } = await stack.db.pool.query<{ value: number }>(`SELECT value FROM anomalies WHERE metric = $1 AND series = 'region=eu'`, [LATENCY]);
    expect(rows.map((row) => row.value)).toContain(SPIKE_MS);
    await page.waitForTimeout(2_000);
    await screenshot(page, '04-series-live-anomaly');
  });

  it('acknowledges an incident with one click', async () => {
    await page.getByRole('link', { name: 'Incidents' }).click();
    const row = page.locator(`tr[data-incident="${incidentId}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('OPEN');
    await screenshot(page, '05-incidents-open');
    await row.getByRole('button', { name: 'Acknowledge' }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('ACKNOWLEDGED');
    const { rows } = await stack.db.pool.query<{ status: string }>(`SELECT status FROM incidents WHERE id = $1`, [incidentId]);
    expect(rows[0]?.status).toBe('acknowledged');
    await page.getByRole('tab', { name: 'Acknowledged' }).click();
    await row.waitFor();
    await screenshot(page, '06-incident-acknowledged');
  });

  it('shows the top segments of a metric', async () => {
    await page.getByRole('link', { name: 'Patterns' }).click();
    await page.getByLabel('Metric').selectOption(LATENCY);
    await page.getByLabel('Range').selectOption('1h');
    const segments = page.getByTestId('segment-table');
    await expect.poll(() => segments.textContent(), { timeout: 15_000 }).toMatch(/region=(us|eu)/);
    await screenshot(page, '07-patterns');
  });

  it('looks up a subject, records consent and requests erasure', async () => {
    await page.getByRole('link', { name: 'Privacy' }).click();
    const subjectId = `user-${randomUUID().slice(0, 8)}`;
    await page.getByLabel('Subject id').fill(subjectId);
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => page.getByTestId('consent-state').textContent()).toContain('No consent recorded');
    await page.getByLabel('Consent for analytics').selectOption('grant');
    await page.getByRole('button', { name: /Record consent/ }).click();
    const granted = page.locator('li[data-purpose="analytics"]');
    await granted.waitFor();
    expect(await granted.getAttribute('data-granted')).toBe('true');
    const stored = await graphql<{ consent: { purposes: Array<{ purpose: string; granted: boolean }> } | null }>(
      stack,
      stack.adminToken,
      `query ($s: String!) { consent(subjectId: $s) { purposes { purpose granted } } }`,
      { s: subjectId },
    );
    expect(stored.consent?.purposes).toEqual([{ purpose: 'analytics', granted: true }]);
    await screenshot(page, '08-privacy-consent-recorded');

    await page.getByRole('button', { name: 'Request erasure…' }).click();
    await page.getByRole('button', { name: 'Yes, erase' }).click();
    const erasure = page.getByTestId('erasure-state');
    await erasure.waitFor();
    expect(await erasure.locator('.status').textContent()).toBe('completed');
    expect(await erasure.textContent()).toContain('consents: 1');
    await screenshot(page, '09-privacy-erasure');
    // The erased subject's consent is gone as well.
    await page.getByRole('button', { name: 'Look up' }).click();
    await expect.poll(() => page.getByTestId('consent-state').textContent()).toContain('No consent recorded');
  });

  it('gives a viewer token a read-only dashboard', async () => {
    const created = await graphql<{ createToken: { token: string } }>(stack, stack.adminToken, `mutation { createToken(name: "dashboard-viewer", role: VIEWER) { token } }`);
    const viewer = await context.newPage();
    await viewer.goto(`${stack.apiUrl}/#/incidents?status=ALL`);
    await viewer.getByLabel('API token').fill(created.createToken.token);
    await viewer.getByRole('button', { name: 'Sign in' }).click();
    await viewer.locator(`tr[data-incident="${incidentId}"]`).waitFor();
    expect(await viewer.getByTestId('role').textContent()).toBe('viewer');
    expect(await viewer.getByRole('button', { name: /Acknowledge|Resolve/ }).count()).toBe(0);
    expect(await viewer.getByRole('link', { name: 'Privacy' }).count()).toBe(0);
    await screenshot(viewer, '10-viewer-incidents');
    await viewer.close();
  });

  it('loads the production build (figures written to test-artifacts/dashboard/load.json)', async () => {
    const fresh = await context.newPage();
    const startedMs = Date.now();
    await fresh.goto(`${stack.apiUrl}/`, { waitUntil: 'load' });
    await fresh.getByLabel('API token').waitFor();
    const interactiveMs = Date.now() - startedMs;
    const navigation = JSON.parse(String(await fresh.evaluate('JSON.stringify(performance.getEntriesByType("navigation")[0])'))) as {
      responseEnd: number;
      domContentLoadedEventEnd: number;
      loadEventEnd: number;
      transferSize: number;
    };
    // Signed in (the token is in this tab's sessionStorage): from reload to the catalog's rows.
    await fresh.getByLabel('API token').fill(stack.adminToken);
    await fresh.getByRole('button', { name: 'Sign in' }).click();
    await fresh.getByRole('heading', { name: 'Catalog' }).waitFor();
    const reloadStartedMs = Date.now();
    await fresh.reload();
    await fresh.locator(`tr[data-metric="${LATENCY}"]`).waitFor();
    const catalogShownMs = Date.now() - reloadStartedMs;
    const figures = {
      catalogShownAfterReloadMs: catalogShownMs,
      signInFormShownMs: interactiveMs,
      domContentLoadedMs: Math.round(navigation.domContentLoadedEventEnd),
      loadEventEndMs: Math.round(navigation.loadEventEnd),
    };
    writeFileSync(join(ARTIFACTS, 'load.json'), `${JSON.stringify(figures)}\n`);
    process.stdout.write(`dashboard load: ${JSON.stringify(figures)}\n`);
    expect(figures.loadEventEndMs).toBeGreaterThan(0);
    await fresh.close();
  });
});
