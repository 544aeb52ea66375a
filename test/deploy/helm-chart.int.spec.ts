import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const chart = join(root, 'deploy', 'helm', 'telemetry');
const requiredValues = ['--set', `secrets.pseudonymKey=${'k'.repeat(32)}`, '--set', 'secrets.adminToken=test-admin-token'];

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
}

/** kubernetes-models is ESM-only; each group/version is a module with one class per kind. */
const modulePathFor = (apiVersion: string) =>
  apiVersion.includes('/') ? `kubernetes-models/${apiVersion}` : `kubernetes-models/${apiVersion}`;

describe('the Helm chart (deploy/helm/telemetry)', () => {
  let helm: string;
  const render = (...args: string[]) =>
    execFileSync(helm, ['template', 'release', chart, ...requiredValues, ...args], { encoding: 'utf8' });
  const objects = (manifest: string) =>
    parseAllDocuments(manifest).map((doc) => doc.toJS() as K8sObject | null).filter((o): o is K8sObject => o !== null);

  beforeAll(() => {
    helm = execFileSync('bash', [join(root, 'deploy', 'helm', 'ensure-helm.sh')], { encoding: 'utf8' }).trim();
  }, 120_000);

  it('passes helm lint', () => {
    expect(execFileSync(helm, ['lint', chart, ...requiredValues], { encoding: 'utf8' })).toContain('0 chart(s) failed');
  });

  it('renders only objects that are valid against the Kubernetes schemas', async () => {
    const rendered = objects(render());
    expect(rendered.length).toBeGreaterThan(10);
    for (const object of rendered) {
      const module = (await import(modulePathFor(object.apiVersion))) as Record<string, new (o: unknown) => { validate: () => void }>;
      const Model = module[object.kind];
      expect(Model, `${object.apiVersion} ${object.kind}`).toBeDefined();
      expect(() => new Model!(object).validate(), `${object.kind}/${object.metadata.name}`).not.toThrow();
    }
  });

  it('gives every service a Deployment with liveness and readiness probes, a Service and a disruption budget', () => {
    const rendered = objects(render());
    for (const service of ['ingest', 'privacy', 'processor', 'anomaly', 'api']) {
      const deployment = rendered.find((o) => o.kind === 'Deployment' && o.metadata.name === `release-telemetry-${service}`);
      const container = (deployment?.spec as { template: { spec: { containers: Array<Record<string, { httpGet: { path: string } }>> } } })
        .template.spec.containers[0];
      expect(container?.['livenessProbe']?.httpGet.path).toBe('/healthz');
      expect(container?.['readinessProbe']?.httpGet.path).toBe('/readyz');
      expect(rendered.some((o) => o.kind === 'Service' && o.metadata.name === `release-telemetry-${service}`)).toBe(true);
      expect(rendered.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === `release-telemetry-${service}`)).toBe(true);
    }
    expect(rendered.filter((o) => o.kind === 'HorizontalPodAutoscaler').length).toBeGreaterThanOrEqual(4);
  });

  it('sets the Kafka settings every worker reads, the consumer session timeout among them', () => {
    const config = (...args: string[]) =>
      (objects(render(...args)).find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'release-telemetry-config') as unknown as { data: Record<string, string> })
        .data;
    expect(config()).toMatchObject({ KAFKA_BROKERS: 'kafka:9092', KAFKA_SESSION_TIMEOUT_MS: '30000' });
    expect(config('--set', 'kafka.sessionTimeoutMs=10000')['KAFKA_SESSION_TIMEOUT_MS']).toBe('10000');
  });

  it('refuses to render without a pseudonym key', () => {
    expect(() => execFileSync(helm, ['template', 'release', chart], { encoding: 'utf8', stdio: 'pipe' })).toThrow(/pseudonymKey/);
  });

  it('adds a ServiceMonitor only when asked', () => {
    expect(objects(render()).some((o) => o.kind === 'ServiceMonitor')).toBe(false);
    expect(objects(render('--set', 'serviceMonitor.enabled=true')).some((o) => o.kind === 'ServiceMonitor')).toBe(true);
  });
});
