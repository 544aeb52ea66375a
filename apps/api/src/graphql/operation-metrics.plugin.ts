import type { ApolloServerPlugin } from '@apollo/server';
import { Histogram, type Registry } from 'prom-client';

/** GraphQL operations over HTTP: how many, how long, how they ended (the API's own figures for /metrics). */
export const operationMetricsPlugin = (registry: Registry): ApolloServerPlugin => {
  const duration = new Histogram({
    name: 'telemetry_api_graphql_request_duration_seconds',
    help: 'GraphQL requests over HTTP by operation type and outcome',
    labelNames: ['operation', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return {
    requestDidStart: async () => {
      const end = duration.startTimer();
      return {
        willSendResponse: async ({ operation, errors }) => {
          end({ operation: operation?.operation ?? 'unknown', outcome: errors && errors.length > 0 ? 'error' : 'ok' });
        },
      };
    },
  };
};
