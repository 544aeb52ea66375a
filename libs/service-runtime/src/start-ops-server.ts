import { createServer, type Server } from 'node:http';
import type { OpsEndpoints, OpsResponse } from './ops-endpoints';

/** The health/metrics port of a worker service (privacy 9101, processor 9102, anomaly 9103). */
export const startOpsServer = async (endpoints: OpsEndpoints, port: number, host = '0.0.0.0'): Promise<Server> => {
  const server = createServer((request, response) => {
    const send = ({ statusCode, contentType, body }: OpsResponse) => {
      response.writeHead(statusCode, { 'content-type': contentType }).end(body);
    };
    const path = (request.url ?? '/').split('?')[0];
    if (request.method !== 'GET') return send({ statusCode: 405, contentType: 'application/json', body: '{"error":"method not allowed"}' });
    if (path === '/healthz') return send(endpoints.healthz());
    if (path === '/readyz') return void endpoints.readyz().then(send);
    if (path === '/metrics') return void endpoints.metrics().then(send);
    return send({ statusCode: 404, contentType: 'application/json', body: '{"error":"not found"}' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
};
