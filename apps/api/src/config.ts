import { Type, type Static } from '@sinclair/typebox';
import {
  databaseConfigSchema,
  kafkaConfigSchema,
  loadConfigOrExit,
  loggingConfigSchema,
  pseudonymConfigSchema,
  selfTelemetryConfigSchema,
  tlsConfigSchema,
} from '@telemetry/config';

/** The GraphQL API's environment (ARCHITECTURE.md): shared pieces plus its own variables, each with its default. */
export const apiConfigSchema = Type.Object({
  ...kafkaConfigSchema.properties,
  ...databaseConfigSchema.properties,
  ...loggingConfigSchema.properties,
  ...tlsConfigSchema.properties,
  ...pseudonymConfigSchema.properties,
  ...selfTelemetryConfigSchema.properties,
  API_PORT: Type.Integer({ default: 4000, minimum: 0, maximum: 65_535 }),
  API_HOST: Type.String({ default: '0.0.0.0' }),
  TELEMETRY_ADMIN_TOKEN: Type.Optional(
    Type.String({ minLength: 16, description: 'bootstrap admin bearer token; create real tokens with createToken, then unset it' }),
  ),
  API_MAX_QUERY_DEPTH: Type.Integer({ default: 8, minimum: 2, description: 'deepest selection nesting a query may have' }),
  API_MAX_QUERY_COMPLEXITY: Type.Integer({ default: 5_000, minimum: 10, description: 'highest estimated cost a query may have' }),
  API_MAX_SERIES_POINTS: Type.Integer({ default: 5_000, minimum: 10, description: 'most buckets one series query may return per group' }),
  API_DASHBOARD_DIR: Type.String({ default: 'apps/dashboard/dist', description: 'served at / when the directory exists' }),
  API_PG_SESSION_OPTIONS: Type.String({
    default: '-c random_page_cost=1.1',
    description:
      "startup options of the API's PostgreSQL sessions; \"none\" behind a pooler that refuses them (PgBouncer in transaction mode), " +
      'with ALTER ROLE <api role> SET random_page_cost = 1.1 in their place',
  }),
});
export type ApiConfig = Static<typeof apiConfigSchema>;

export const loadApiConfig = (env: Record<string, string | undefined> = process.env): ApiConfig => loadConfigOrExit(apiConfigSchema, env);
