import { createHmac } from 'node:crypto';
import { loadConfig } from '@telemetry/config';
import { createTestDatabase, createTestTopics, testKafka, type TestDatabase } from '@telemetry/test-support';
import type { TopicNames } from '@telemetry/kafka';
import type { Kafka } from 'kafkajs';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { createApiApp, type ApiApp } from '../src/api-app';
import { apiConfigSchema } from '../src/config';

export const ADMIN_TOKEN = 'test-bootstrap-admin-token-0123456789';
export const PSEUDONYM_KEY = 'api-test-pseudonym-key-0123456789abcdef';

export interface GraphqlError {
  message: string;
  path?: string[];
  extensions?: Record<string, unknown> & { code?: string };
}

export interface GraphqlResponse<T = Record<string, unknown>> {
  status: number;
  data: T | null | undefined;
  errors: GraphqlError[] | undefined;
  raw: string;
}

/** The API started in-process on its own database and topics, as the tests and the bench use it. */
export interface ApiHarness {
  app: ApiApp;
  db: TestDatabase;
  kafka: Kafka;
  topics: TopicNames;
  gql: <T = Record<string, unknown>>(query: string, variables?: Record<string, unknown>, token?: string | null) => Promise<GraphqlResponse<T>>;
  wsClient: (token: string | null) => Client;
  close: () => Promise<void>;
}

export const startApiHarness = async (extraEnv: Record<string, string> = {}): Promise<ApiHarness> => {
  const db = await createTestDatabase();
  const kafka = testKafka();
  const { suffix, topics } = await createTestTopics(kafka, 2);
  const config = loadConfig(apiConfigSchema, {
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '5',
    KAFKA_TOPIC_SUFFIX: suffix,
    API_PORT: '0',
    API_HOST: '127.0.0.1',
    TELEMETRY_ADMIN_TOKEN: ADMIN_TOKEN,
    PSEUDONYM_KEY,
    LOG_LEVEL: 'warn',
    API_DASHBOARD_DIR: '/nonexistent-dashboard',
    ...extraEnv,
  });
  const app = await createApiApp(config);
  const gql: ApiHarness['gql'] = async (query, variables = {}, token = ADMIN_TOKEN) => {
    const response = await fetch(`${app.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const raw = await response.text();
    const body = JSON.parse(raw) as { data?: never; errors?: GraphqlError[] };
    return { status: response.status, data: body.data, errors: body.errors, raw };
  };
  const clients: Client[] = [];
  const wsClient = (token: string | null) => {
    const client = createClient({
      url: `${app.url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  };
  return {
    app,
    db,
    kafka,
    topics,
    gql,
    wsClient,
    close: async () => {
      await Promise.all(clients.map((client) => client.dispose()));
      await app.close();
      await db.drop();
    },
  };
};

/** The pseudonym libs/privacy computes: base64url(HMAC-SHA256(key, subjectId)); written out here so the test checks it independently. */
export const expectedPseudonym = (subjectId: string): string =>
  createHmac('sha256', PSEUDONYM_KEY).update(subjectId, 'utf8').digest('base64url');
