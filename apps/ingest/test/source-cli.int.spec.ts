import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post, startIngestTestContext, validEvent, type IngestTestContext } from './ingest-test-context';

const run = promisify(execFile);
const repo = join(__dirname, '..', '..', '..');

describe('npm run source:create / source:revoke', () => {
  let ctx: IngestTestContext;
  const cli = (script: string, args: string[]) =>
    run(process.execPath, ['-r', '@swc-node/register', join(repo, 'apps/ingest/cli', script), ...args], {
      cwd: repo,
      env: { ...process.env, DATABASE_URL: ctx.database.url },
    });

  beforeAll(async () => {
    ctx = await startIngestTestContext();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('prints a new key once as one JSON line; the key writes until the source is revoked', async () => {
    const created = await cli('create-source.ts', ['mobile', 'app']);
    const lines = created.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const printed = JSON.parse(lines[0] ?? '') as { id: string; name: string; apiKey: string };
    expect(printed).toEqual({ id: expect.any(String) as unknown, name: 'mobile app', apiKey: expect.stringMatching(/^tlm_[0-9a-f]{16}_[0-9a-f]{64}$/) as unknown });
    expect((await post(ctx.ingest.url, JSON.stringify({ events: [validEvent()] }), { apiKey: printed.apiKey })).status).toBe(202);

    const revoked = await cli('revoke-source.ts', [printed.id]);
    expect(JSON.parse(revoked.stdout)).toMatchObject({ id: printed.id, name: 'mobile app', revokedAt: expect.any(String) as unknown });
    // The test config caches verified keys for 300 ms.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await post(ctx.ingest.url, JSON.stringify({ events: [validEvent()] }), { apiKey: printed.apiKey })).status).toBe(401);
  });

  it('fails with a message for a taken name or an unknown id', async () => {
    await cli('create-source.ts', ['taken']);
    await expect(cli('create-source.ts', ['taken'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/already exists/) as unknown });
    await expect(cli('revoke-source.ts', ['no-such-id'])).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/no source with id/) as unknown });
  });
});
