import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiKeyVerifier,
  createSource,
  hashKeySecret,
  listSources,
  revokeSource,
  SourceNameTakenError,
  SourceNotFoundError,
  InvalidSourceNameError,
} from '@telemetry/admin';
import { createTestDatabase, type TestDatabase } from '@telemetry/test-support';

describe('sources and API keys (libs/admin) against PostgreSQL', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it('stores only a scrypt hash of the key, and lists sources without it', async () => {
    const { source, apiKey } = await createSource(database.pool, '  checkout-web  ');
    expect(source).toMatchObject({ name: 'checkout-web', revokedAt: null });
    expect(apiKey).toMatch(/^tlm_[0-9a-f]{16}_[0-9a-f]{64}$/);
    const { rows } = await database.pool.query<{ key_id: string; key_hash: string }>('SELECT key_id, key_hash FROM sources WHERE id = $1', [source.id]);
    expect(rows[0]?.key_id).toBe(apiKey.split('_')[1]);
    expect(rows[0]?.key_hash).toMatch(/^scrypt\$/);
    expect(rows[0]?.key_hash).not.toContain(apiKey.split('_')[2]);
    expect(await listSources(database.pool)).toContainEqual(source);
  });

  it.each([
    ['a taken name', 'dup', SourceNameTakenError],
    ['an empty name', '   ', InvalidSourceNameError],
    ['a name over 128 characters', 'n'.repeat(129), InvalidSourceNameError],
  ])('refuses %s', async (_label, name, errorClass) => {
    if (errorClass === SourceNameTakenError) await createSource(database.pool, name);
    await expect(createSource(database.pool, name)).rejects.toBeInstanceOf(errorClass);
  });

  it('revokes idempotently and reports an unknown id', async () => {
    const { source } = await createSource(database.pool, 'to-revoke');
    const revoked = await revokeSource(database.pool, source.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await revokeSource(database.pool, source.id)).revokedAt).toEqual(revoked.revokedAt);
    await expect(revokeSource(database.pool, '00000000-0000-0000-0000-000000000000')).rejects.toBeInstanceOf(SourceNotFoundError);
  });

  it('verifies keys, caches the answer for positiveTtlMs, and sees a revocation after it', async () => {
    let nowMs = 1_000_000;
    const verifier = createApiKeyVerifier(database.pool, { positiveTtlMs: 5_000, negativeTtlMs: 1_000, maxEntries: 100, now: () => nowMs });
    const { source, apiKey } = await createSource(database.pool, 'verified');
    expect(await verifier.verify(apiKey)).toEqual({ sourceId: source.id, sourceName: 'verified' });
    await revokeSource(database.pool, source.id);
    nowMs += 4_000;
    expect(await verifier.verify(apiKey)).toEqual({ sourceId: source.id, sourceName: 'verified' });
    nowMs += 1_001;
    expect(await verifier.verify(apiKey)).toBeNull();
  });

  it('refuses wrong secrets and unknown keys, and remembers a refusal for negativeTtlMs', async () => {
    let nowMs = 0;
    const verifier = createApiKeyVerifier(database.pool, { positiveTtlMs: 5_000, negativeTtlMs: 1_000, maxEntries: 100, now: () => nowMs });
    const { apiKey } = await createSource(database.pool, 'guessed');
    expect(await verifier.verify(`tlm_${apiKey.split('_')[1]}_${'0'.repeat(64)}`)).toBeNull();
    expect(await verifier.verify('tlm_garbage')).toBeNull();
    // A key refused while unknown stays refused for negativeTtlMs even once its row exists.
    const lateKey = `tlm_${'a'.repeat(16)}_${'b'.repeat(64)}`;
    expect(await verifier.verify(lateKey)).toBeNull();
    await database.pool.query(`INSERT INTO sources (id, name, key_id, key_hash) VALUES ('late', 'late', $1, $2)`, ['a'.repeat(16), await hashKeySecret('b'.repeat(64))]);
    expect(await verifier.verify(lateKey)).toBeNull();
    nowMs += 1_001;
    expect(await verifier.verify(lateKey)).toEqual({ sourceId: 'late', sourceName: 'late' });
  });

  it('verifies many different keys at once through a bounded number of hashes, answering each correctly', async () => {
    const verifier = createApiKeyVerifier(database.pool, { positiveTtlMs: 5_000, negativeTtlMs: 1_000, maxEntries: 100, maxConcurrentHashes: 1 });
    const created = await Promise.all(['k1', 'k2', 'k3'].map((name) => createSource(database.pool, `bounded-${name}`)));
    const wrong = created.map(({ apiKey }) => `tlm_${apiKey.split('_')[1]}_${'e'.repeat(64)}`);
    const results = await Promise.all([...created.map(({ apiKey }) => verifier.verify(apiKey)), ...wrong.map((key) => verifier.verify(key))]);
    expect(results.map((result) => result?.sourceName ?? null)).toEqual(['bounded-k1', 'bounded-k2', 'bounded-k3', null, null, null]);
  });

  it('shares one lookup among concurrent first requests with the same key', async () => {
    const verifier = createApiKeyVerifier(database.pool);
    const { source, apiKey } = await createSource(database.pool, 'concurrent');
    const results = await Promise.all(Array.from({ length: 20 }, () => verifier.verify(apiKey)));
    expect(new Set(results.map((result) => result?.sourceId))).toEqual(new Set([source.id]));
  });
});
