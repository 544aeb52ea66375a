import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate } from '@telemetry/formula';
import { buildCatalog, catalogDefinitions, findMetric, parseCatalog } from './catalog';
import { formatCatalogIssue } from './catalog-issue';
import { diffCatalogs } from './diff-catalogs';
import { expiringWithin, hasExpired, requiredPurpose } from './metric-decisions';

// The example is part of the product (the catalog users copy); it must stay valid as the rules evolve.
const EXAMPLE = readFileSync(resolve(__dirname, '../../../examples/metrics.yaml'), 'utf8');
const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('examples/metrics.yaml', () => {
  const result = parseCatalog(EXAMPLE, { now: NOW });
  if (!result.ok) throw new Error(result.issues.map((issue) => formatCatalogIssue(issue, 'examples/metrics.yaml')).join('\n'));
  const { catalog } = result;
  const metric = (name: string) => {
    const found = findMetric(catalog, name);
    if (!found) throw new Error(`${name} missing from the example`);
    return found;
  };

  it('is valid, and its only warning is the metric that already expired', () => {
    expect(catalog.metrics.size).toBeGreaterThanOrEqual(20);
    expect(result.warnings.map((warning) => warning.metric)).toEqual(['web.holiday_banner_clicks']);
    expect(hasExpired(metric('web.holiday_banner_clicks'), NOW)).toBe(true);
    expect(hasExpired(metric('checkout.latency'), NOW)).toBe(false);
  });

  it('has the self-monitoring metrics, purpose none, never expiring', () => {
    const selfMetrics = [...catalog.metrics.values()].filter((entry) => entry.name.startsWith('telemetry.self.'));
    expect(selfMetrics.map((entry) => entry.name).sort()).toEqual([
      'telemetry.self.auth_failures',
      'telemetry.self.consumer_lag',
      'telemetry.self.dead_letters',
      'telemetry.self.rejections',
      'telemetry.self.source_volume',
    ]);
    for (const entry of selfMetrics) {
      expect(requiredPurpose(entry)).toBeNull();
      expect(entry.expiresAtMs).toBeNull();
    }
  });

  it('has the client SDK\'s eviction report outside the reserved telemetry.self.* names, purpose none, never expiring', () => {
    // libs/sdk EVICTION_REPORT_METRIC; its integration test checks the name against this file too.
    const evicted = metric('telemetry.sdk.evicted_events');
    expect(evicted.definition).toMatchObject({ type: 'counter', unit: '1', owner: 'telemetry' });
    expect(requiredPurpose(evicted)).toBeNull();
    expect(evicted.expiresAtMs).toBeNull();
    expect(evicted.allowedAttributes.size).toBe(0);
  });

  it('computes the checkout error rate from its formula', () => {
    const errorRate = metric('checkout.error_rate');
    expect(errorRate.formula?.source).toBe('100 * rate(checkout.errors) / rate(checkout.requests)');
    const value = errorRate.formula
      ? evaluate(errorRate.formula, {
          'checkout.errors': { count: 3, sum: 3, min: 1, max: 1, bucketSeconds: 60 },
          'checkout.requests': { count: 200, sum: 200, min: 1, max: 1, bucketSeconds: 60 },
        })
      : undefined;
    expect(value).toBeCloseTo(1.5, 12);
    expect(catalog.derivedOrder).toContain('checkout.error_rate');
  });

  it('lists the metric expiring next month with its owner', () => {
    expect(expiringWithin(catalog, 30, NOW)).toEqual([{ name: 'web.js_errors', owner: 'web', expires: '2026-12-15', daysLeft: 20 }]);
  });

  it('survives a round trip through stored definitions unchanged', () => {
    const rebuilt = buildCatalog(catalogDefinitions(catalog), { now: NOW });
    expect(rebuilt.ok).toBe(true);
    if (!rebuilt.ok) return;
    const diff = diffCatalogs(catalogDefinitions(catalog), catalogDefinitions(rebuilt.catalog));
    expect(diff.unchanged).toHaveLength(catalog.metrics.size);
  });

  it('would be refused two months earlier: the server metrics lie beyond that day\'s 13-month horizon', () => {
    const earlier = parseCatalog(EXAMPLE, { now: Date.parse('2026-09-25T00:00:00Z') });
    expect(earlier.ok).toBe(false);
    if (earlier.ok) return;
    expect(earlier.issues.map((issue) => formatCatalogIssue(issue, 'examples/metrics.yaml'))).toEqual([
      'examples/metrics.yaml:72: server.cpu.utilization.expires: 2027-11-30 is more than 13 months ahead; the latest allowed today is 2027-10-25',
      'examples/metrics.yaml:84: server.memory.used.expires: 2027-11-30 is more than 13 months ahead; the latest allowed today is 2027-10-25',
      'examples/metrics.yaml:188: mobile.app_start.expires: 2027-10-31 is more than 13 months ahead; the latest allowed today is 2027-10-25',
      'examples/metrics.yaml:200: mobile.crashes.expires: 2027-10-31 is more than 13 months ahead; the latest allowed today is 2027-10-25',
      'examples/metrics.yaml:211: mobile.sessions.expires: 2027-10-31 is more than 13 months ahead; the latest allowed today is 2027-10-25',
    ]);
  });
});
