/**
 * libs/catalog — the metric catalog (ARCHITECTURE.md): parsing and validating metrics.yaml or
 * definitions from GraphQL/the database (every problem named by metric, field and line), and the
 * decisions the services take per event: expiry, allowed attributes, consent purpose, static
 * alert rule, daily budget; plus expiry reminders and the diff catalog:apply executes.
 * Pure (type:domain): imports libs/contracts, libs/formula and the `yaml` parser only. Never
 * Node I/O (the caller reads the file), NestJS, kafkajs, TypeORM or pg.
 */
export * from './catalog-issue';
export {
  parseCatalog,
  parseCatalogOrThrow,
  buildCatalog,
  findMetric,
  catalogDefinitions,
  type Catalog,
  type CatalogMetric,
  type CatalogOptions,
  type CatalogResult,
} from './catalog';
export {
  hasExpired,
  isAttributeAllowed,
  pickAllowedAttributes,
  requiredPurpose,
  alertRule,
  checkAlert,
  dailyBudget,
  isOverBudget,
  expiringWithin,
  type AlertRule,
  type AlertBreach,
  type ExpiringMetric,
} from './metric-decisions';
export { evaluateDerivedMetrics } from './evaluate-derived';
export { diffCatalogs, type CatalogDiff, type ChangedMetric } from './diff-catalogs';
export { DEFAULT_MAX_EXPIRY_MONTHS, parseCalendarDate, addUtcMonths } from './expiry';
export { PURPOSE_NONE, EXPIRES_NEVER, REQUIRED_MEASURED_FIELDS } from './validate-metric';
export { MAX_CATALOG_BYTES } from './read-catalog-yaml';
