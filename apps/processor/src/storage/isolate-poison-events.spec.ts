import { describe, expect, it } from 'vitest';
import type { StoreResult } from './batch-store';
import type { PointSource } from './data-points.repository';
import type { StoredPoint } from './decode-batch';
import { storeIsolatingPoison } from './isolate-poison-events';

const point = (eventId: string): StoredPoint => ({
  eventId,
  timeMs: Date.UTC(2026, 0, 1),
  metric: 'app.latency',
  value: 1,
  subject: 'pseudonym-1',
  sourceId: 'src',
  attributes: { region: 'eu' },
  receivedAtMs: Date.UTC(2026, 0, 1),
  series: 'region=eu',
  seriesAttributes: { region: 'eu' },
});

const sourceOf = (points: StoredPoint[]): PointSource => ({ stream: () => points, all: () => points });
const pgError = (code: string) => Object.assign(new Error(`refused (${code})`), { code });

/** A store that commits a transaction unless it holds a poison id (then it throws `code`); records what it committed. */
const fakeStore = (poison: Set<string>, code = '23514') => {
  const committed: string[] = [];
  let calls = 0;
  const store = async (points: PointSource): Promise<StoreResult> => {
    calls += 1;
    const all = points.all();
    if (all.some((p) => poison.has(p.eventId))) throw pgError(code);
    committed.push(...all.map((p) => p.eventId));
    return { inserted: [...all], duplicates: 0, erased: 0, bucketsMerged: 1, derivedChanged: 0 };
  };
  return { store, committed, calls: () => calls };
};

describe('storeIsolatingPoison', () => {
  const ids = Array.from({ length: 100 }, (_, i) => `e${i}`);

  it('stores every other event once and returns exactly the poison ones with their reason', async () => {
    const { store, committed, calls } = fakeStore(new Set(['e17', 'e80']));
    const result = await storeIsolatingPoison(store, sourceOf(ids.map(point)));
    expect(result.poisoned.map((p) => p.eventId)).toEqual(['e17', 'e80']);
    expect(result.poisoned[0]).toMatchObject({ sourceId: 'src', sqlState: '23514', event: { id: 'e17', subjectId: 'pseudonym-1' } });
    expect(result.poisoned[0]?.reason).toMatch(/^db_integrity_violation: SQLSTATE 23514: /);
    expect([...committed].sort()).toEqual(ids.filter((id) => id !== 'e17' && id !== 'e80').sort());
    expect(result.inserted).toHaveLength(98);
    // Bisection, not one transaction per event.
    expect(calls()).toBeLessThan(40);
  });

  it('dead-letters a single-event batch that fails permanently', async () => {
    const { store } = fakeStore(new Set(['e0']), '22P05');
    const result = await storeIsolatingPoison(store, sourceOf([point('e0')]));
    expect(result.poisoned.map((p) => p.reason)).toEqual(['db_data_exception: SQLSTATE 22P05: refused (22P05)']);
    expect(result.inserted).toEqual([]);
  });

  it('throws a transient error at once and dead-letters nothing', async () => {
    const { store, committed } = fakeStore(new Set(['e3']), '40P01');
    await expect(storeIsolatingPoison(store, sourceOf(ids.map(point)))).rejects.toMatchObject({ code: '40P01' });
    expect(committed).toEqual([]);
  });

  it('throws a transient error met while bisecting (the whole batch is replayed)', async () => {
    let calls = 0;
    const store = async (points: PointSource): Promise<StoreResult> => {
      calls += 1;
      if (calls === 1) throw pgError('23514');
      if (calls === 3) throw pgError('57P01');
      return { inserted: [...points.all()], duplicates: 0, erased: 0, bucketsMerged: 0, derivedChanged: 0 };
    };
    await expect(storeIsolatingPoison(store, sourceOf(ids.map(point)))).rejects.toMatchObject({ code: '57P01' });
  });

  it('stores everything when the halves succeed apart (the failure came from their combination)', async () => {
    let calls = 0;
    const store = async (points: PointSource): Promise<StoreResult> => {
      calls += 1;
      if (calls === 1) throw pgError('22003');
      return { inserted: [...points.all()], duplicates: 0, erased: 0, bucketsMerged: 1, derivedChanged: 0 };
    };
    const result = await storeIsolatingPoison(store, sourceOf(ids.map(point)));
    expect(result.poisoned).toEqual([]);
    expect(result.inserted).toHaveLength(100);
  });
});
