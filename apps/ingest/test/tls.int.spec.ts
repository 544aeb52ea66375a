import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIngestTestContext, validEvent, type IngestTestContext } from './ingest-test-context';
import type { IngestApp } from '../src/ingest-app';

const run = promisify(execFile);

const httpsPost = (url: string, ca: Buffer, apiKey: string, body: string) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const target = new URL(url);
    const outgoing = request(
      { host: target.hostname, port: target.port, servername: 'localhost', path: '/v1/events', method: 'POST', ca, headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });

describe('HTTPS when TLS_CERT_FILE and TLS_KEY_FILE are set', () => {
  let ctx: IngestTestContext;
  let tlsIngest: IngestApp;
  let certDir: string;
  let certificate: Buffer;

  beforeAll(async () => {
    certDir = await mkdtemp(join(tmpdir(), 'ingest-tls-'));
    const certFile = join(certDir, 'cert.pem');
    const keyFile = join(certDir, 'key.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1']);
    certificate = await readFile(certFile);
    ctx = await startIngestTestContext();
    tlsIngest = await ctx.startIngest({ TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile });
  });
  afterAll(async () => {
    await ctx?.close();
    if (certDir) await rm(certDir, { recursive: true, force: true });
  });

  it('accepts events over HTTPS with a certificate the client trusts', async () => {
    expect(tlsIngest.url).toMatch(/^https:\/\//);
    const answer = await httpsPost(tlsIngest.url, certificate, ctx.source.apiKey, JSON.stringify({ events: [validEvent()] }));
    expect(answer.status).toBe(202);
    expect(JSON.parse(answer.body)).toEqual({ accepted: 1, rejected: [] });
  });

  it('refuses a client that does not trust the certificate, and does not speak plain HTTP', async () => {
    await expect(httpsPost(tlsIngest.url, Buffer.from(''), ctx.source.apiKey, '{}')).rejects.toThrow(/self-signed|certificate/i);
    await expect(fetch(tlsIngest.url.replace('https://', 'http://') + '/healthz')).rejects.toThrow();
  });
});
