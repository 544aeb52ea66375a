import { createClient, type Client } from 'graphql-ws/client';
import { graphqlWsEndpoint } from './graphql-client';
import { ANOMALY_DETECTED, type Anomaly } from './operations';

export type LiveStatus = 'connecting' | 'live' | 'offline';

/**
 * One graphql-ws connection per signed-in tab, opened at sign-in so the header can show whether live updates flow. The API
 * checks the token in connectionParams and closes the socket with 4403 when it is not valid.
 */
export const createLiveClient = (token: string, onStatus: (status: LiveStatus) => void): Client => {
  const client = createClient({
    url: graphqlWsEndpoint(),
    connectionParams: { authorization: `Bearer ${token}` },
    lazy: false,
    keepAlive: 15_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
  });
  client.on('connecting', () => onStatus('connecting'));
  client.on('connected', () => onStatus('live'));
  client.on('closed', () => onStatus('offline'));
  return client;
};

/** Calls onAnomaly for each anomaly detected from now on (of one metric, or all); returns the unsubscribe. */
export const subscribeAnomalies = (client: Client, metric: string | null, onAnomaly: (anomaly: Anomaly) => void, onError: (message: string) => void) =>
  client.subscribe<{ anomalyDetected: Anomaly }>(
    { query: ANOMALY_DETECTED, variables: { metric } },
    {
      next: (result) => {
        if (result.data) onAnomaly(result.data.anomalyDetected);
        if (result.errors?.[0]) onError(result.errors[0].message);
      },
      error: (error) => onError(error instanceof Error ? error.message : 'the live connection failed'),
      complete: () => undefined,
    },
  );
