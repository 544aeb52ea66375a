/**
 * libs/admin — the management operations that both the CLIs (npm run source:create, consent:set,
 * erasure:request, catalog:apply) and the GraphQL API perform, written once: sources and their
 * keys, consent, erasure, catalog changes. Infra: uses libs/db and libs/kafka.
 */
export * from './audit';
export * from './tokens';
export * from './catalog';
export * from './sources';
export * from './consent';
export * from './erasure';
