/**
 * libs/service-runtime — what every service needs at runtime: the pino logger (and its Nest
 * adapter), the Prometheus registry, /healthz /readyz /metrics, and worker bootstrap with
 * graceful shutdown.
 */
export * from './create-logger';
export * from './ops-endpoints';
export * from './start-ops-server';
export * from './bootstrap-worker';
