import { Registry, collectDefaultMetrics } from 'prom-client';

/** Something /readyz must reach (Kafka, PostgreSQL); rejects when it cannot. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export interface OpsResponse {
  statusCode: number;
  contentType: string;
  body: string;
}

export const createMetricsRegistry = (service: string): Registry => {
  const registry = new Registry();
  registry.setDefaultLabels({ service });
  collectDefaultMetrics({ register: registry });
  return registry;
};

const withTimeout = async (promise: Promise<void>, timeoutMs: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * /healthz (the process is alive), /readyz (every dependency answered) and /metrics (Prometheus
 * text), as plain functions so any HTTP server can mount them.
 */
export const createOpsEndpoints = (registry: Registry, checks: readonly ReadinessCheck[], checkTimeoutMs = 2_000) => ({
  healthz: (): OpsResponse => ({ statusCode: 200, contentType: 'application/json', body: '{"status":"ok"}' }),
  readyz: async (): Promise<OpsResponse> => {
    const results = await Promise.all(
      checks.map(async ({ name, check }) => {
        try {
          await withTimeout(check(), checkTimeoutMs);
          return [name, 'ok'] as const;
        } catch (error) {
          return [name, error instanceof Error ? error.message : String(error)] as const;
        }
      }),
    );
    const ready = results.every(([, status]) => status === 'ok');
    return {
      statusCode: ready ? 200 : 503,
      contentType: 'application/json',
      body: JSON.stringify({ status: ready ? 'ready' : 'not_ready', checks: Object.fromEntries(results) }),
    };
  },
  metrics: async (): Promise<OpsResponse> => ({
    statusCode: 200,
    contentType: registry.contentType,
    body: await registry.metrics(),
  }),
});

export type OpsEndpoints = ReturnType<typeof createOpsEndpoints>;
