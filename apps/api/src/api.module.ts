import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { GraphQLModule, GraphQLSchemaHost } from '@nestjs/graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { FormattedExecutionResult, GraphQLFormattedError } from 'graphql';
import type { Logger } from '@telemetry/service-runtime';
import type { Registry } from 'prom-client';
import { AnomaliesRepository } from './anomalies/anomalies.repository';
import { AnomalyFeed } from './anomalies/anomaly-feed';
import { AuthService } from './auth/auth.service';
import type { GraphqlContext } from './auth/graphql-context';
import { RequestLoadersFactory } from './auth/request-loaders.factory';
import { RolesGuard } from './auth/roles.guard';
import type { ApiConfig } from './config';
import { API_CONFIG, LOGGER, METRICS_REGISTRY, type ApiDeps } from './core/api-deps';
import { CoreModule } from './core/core.module';
import { RethrowToFormatErrorFilter } from './errors/rethrow-to-format-error.filter';
import { toPublicError } from './errors/to-public-error';
import { API_RESOLVERS } from './graphql/api-resolvers';
import { jitGateway } from './graphql/jit-gateway';
import { operationMetricsPlugin } from './graphql/operation-metrics.plugin';
import { queryLimitsPlugin } from './graphql/query-limits.plugin';
import { subscriptionServerOptions } from './graphql/subscription-server';
import { CatalogAdmin } from './metrics/catalog-admin.provider';
import { PatternsRepository } from './patterns/patterns.repository';
import { PrivacyAdmin } from './privacy/privacy-admin.provider';
import { SeriesRepository } from './series/series.repository';
import { SeriesService } from './series/series.service';

/** Fastify hands Apollo the request; graphql-ws hands it its connection context. Both end up as a GraphqlContext. */
const authorizationOf = (source: unknown): unknown => {
  if (typeof source !== 'object' || source === null) return undefined;
  if ('connectionParams' in source) {
    const params = (source as { connectionParams?: Record<string, unknown> }).connectionParams ?? {};
    return params['authorization'] ?? params['Authorization'];
  }
  const headers = (source as { headers?: Record<string, unknown> }).headers;
  return headers?.['authorization'];
};

export const formatErrorWith = (logger: Logger) => (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
  const result = toPublicError(formatted, unwrapResolverError(error));
  if (result.unexpected !== undefined) logger.error({ err: result.unexpected, path: formatted.path }, 'graphql: unexpected error');
  return result.error;
};

@Module({})
export class ApiModule {
  static forRoot(deps: ApiDeps): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        CoreModule.forRoot(deps),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [AuthService, RequestLoadersFactory, API_CONFIG, LOGGER, METRICS_REGISTRY, GraphQLSchemaHost],
          useFactory: (auth: AuthService, loaders: RequestLoadersFactory, config: ApiConfig, logger: Logger, registry: Registry, schemaHost: GraphQLSchemaHost) => {
            const formatError = formatErrorWith(logger);
            const limits = { maxDepth: config.API_MAX_QUERY_DEPTH, maxComplexity: config.API_MAX_QUERY_COMPLEXITY };
            return {
              autoSchemaFile: true,
              sortSchema: true,
              path: '/graphql',
              playground: false,
              introspection: true,
              includeStacktraceInErrorResponses: false,
              autoTransformHttpErrors: false,
              formatError,
              // Compact JSON: Apollo pretty-prints by default, which doubles the bytes of a series answer to write and to parse.
              stringifyResult: (result: FormattedExecutionResult) => JSON.stringify(result),
              // Queries and mutations run compiled by graphql-jit (see jit-gateway.ts), on the schema NestJS built.
              gateway: jitGateway(() => schemaHost.schema),
              // No HTTP caching of API answers, and without the plugin Apollo stops instrumenting every field resolution.
              plugins: [ApolloServerPluginCacheControlDisabled(), queryLimitsPlugin(limits), operationMetricsPlugin(registry)],
              context: async (source: unknown): Promise<GraphqlContext> => ({
                principal: await auth.authenticate(authorizationOf(source)),
                loaders: loaders.create(),
              }),
              subscriptions: { 'graphql-ws': subscriptionServerOptions({ auth, limits, formatError }) },
            };
          },
        }),
      ],
      providers: [
        ...API_RESOLVERS,
        { provide: APP_GUARD, useClass: RolesGuard },
        { provide: APP_FILTER, useClass: RethrowToFormatErrorFilter },
        AnomaliesRepository,
        AnomalyFeed,
        CatalogAdmin,
        PatternsRepository,
        PrivacyAdmin,
        SeriesRepository,
        SeriesService,
      ],
    };
  }
}
