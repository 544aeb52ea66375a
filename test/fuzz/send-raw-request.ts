import { Agent, request } from 'node:http';

export interface RawRequest {
  method: 'GET' | 'POST';
  /** Path and query, e.g. /v1/events. */
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

export type RawAnswer =
  | { kind: 'answer'; status: number; contentType: string; body: Buffer }
  | { kind: 'failure'; reason: string };

/** Keep-alive sockets, so 10,000 requests do not cost 10,000 TCP handshakes. */
export const createFuzzAgent = (maxSockets: number): Agent => new Agent({ keepAlive: true, maxSockets });

/**
 * Sends bytes exactly as given (node:http, not fetch: fetch would refuse some hostile headers and
 * bodies before they leave). A connection error, or no answer within timeoutMs, is a failure: a
 * service that hangs or drops a connection instead of answering is as wrong as a 500.
 */
export const sendRawRequest = (agent: Agent, port: number, raw: RawRequest, timeoutMs: number): Promise<RawAnswer> =>
  new Promise((resolve) => {
    let settled = false;
    const settle = (answer: RawAnswer) => {
      if (settled) return;
      settled = true;
      resolve(answer);
    };
    const outgoing = request(
      { host: '127.0.0.1', port, method: raw.method, path: raw.path, agent, headers: { ...raw.headers, 'content-length': String(raw.body.length) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          settle({ kind: 'answer', status: response.statusCode ?? 0, contentType: String(response.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }),
        );
        response.on('error', (error) => settle({ kind: 'failure', reason: `response: ${error.message}` }));
      },
    );
    outgoing.setTimeout(timeoutMs, () => {
      settle({ kind: 'failure', reason: `no answer within ${timeoutMs} ms` });
      outgoing.destroy();
    });
    outgoing.on('error', (error) => settle({ kind: 'failure', reason: `request: ${error.message}` }));
    outgoing.end(raw.body);
  });
