import type { StoreResult } from './batch-store';
import { classifyDbError, poisonReason, type PermanentDbError } from './classify-db-error';
import type { PointSource } from './data-points.repository';
import type { Rejected, StoredPoint } from './decode-batch';

/** An event PostgreSQL refuses on its own, whatever else is stored: it goes to telemetry.dlq.v1. */
export interface PoisonEvent extends Rejected {
  eventId: string;
  sqlState: string;
}

export interface IsolatedStoreResult extends StoreResult {
  poisoned: PoisonEvent[];
}

/** Stores some points in one transaction (storeBatch), or throws PostgreSQL's error. */
export type StorePoints = (points: PointSource) => Promise<StoreResult>;

const sourceOf = (points: readonly StoredPoint[]): PointSource => ({ stream: () => points, all: () => points });

/**
 * The event as the clean topic carried it, near enough to replay from the dead letter: the subject
 * is the pseudonym it arrived with; the attributes include what reference data joined on.
 */
const eventOf = (point: StoredPoint): Record<string, unknown> => ({
  id: point.eventId,
  metric: point.metric,
  value: point.value,
  timestamp: new Date(point.timeMs).toISOString(),
  ...(point.subject === null ? {} : { subjectId: point.subject }),
  attributes: point.attributes,
});

const poisonEvent = (point: StoredPoint, error: PermanentDbError): PoisonEvent => ({
  sourceId: point.sourceId,
  event: eventOf(point),
  reason: poisonReason(error),
  eventId: point.eventId,
  sqlState: error.sqlState,
});

/**
 * Stores a batch with `store`; when PostgreSQL refuses it with a permanent error (classifyDbError),
 * finds the events that cause it by bisection: each half is stored in its own transaction, a half
 * that fails is split again, and a single event that fails is poison. Every other event is stored
 * exactly once (a half committed before a later failure is not stored again on a replay: the
 * idempotent insert skips it and its rollups). k poison events among n cost about 2·k·log2(n)
 * transactions. A transient error, at any depth, is thrown: the caller replays the whole batch
 * and nothing is dead-lettered.
 */
export const storeIsolatingPoison = async (store: StorePoints, points: PointSource): Promise<IsolatedStoreResult> => {
  try {
    return { ...(await store(points)), poisoned: [] };
  } catch (error) {
    const failure = classifyDbError(error);
    const all = points.all();
    // No event to pin it on (an empty batch): replaying is all that can be done.
    if (failure.kind === 'transient' || all.length === 0) throw error;
    return bisect(store, all, failure);
  }
};

interface Part {
  points: readonly StoredPoint[];
  /** Set once storing this part failed permanently. */
  failure?: PermanentDbError;
}

const bisect = async (store: StorePoints, points: readonly StoredPoint[], failure: PermanentDbError): Promise<IsolatedStoreResult> => {
  const result: IsolatedStoreResult = { inserted: [], duplicates: 0, erased: 0, bucketsMerged: 0, derivedChanged: 0, poisoned: [] };
  // A stack, second half pushed first, so the batch is stored in its order.
  const pending: Part[] = [{ points, failure }];
  for (let part = pending.pop(); part !== undefined; part = pending.pop()) {
    if (part.failure !== undefined) {
      if (part.points.length === 1) {
        result.poisoned.push(poisonEvent(part.points[0] as StoredPoint, part.failure));
      } else {
        const middle = Math.ceil(part.points.length / 2);
        pending.push({ points: part.points.slice(middle) }, { points: part.points.slice(0, middle) });
      }
      continue;
    }
    try {
      const stored = await store(sourceOf(part.points));
      result.inserted.push(...stored.inserted);
      result.duplicates += stored.duplicates;
      result.erased += stored.erased;
      result.bucketsMerged += stored.bucketsMerged;
      result.derivedChanged += stored.derivedChanged;
    } catch (error) {
      const partFailure = classifyDbError(error);
      if (partFailure.kind === 'transient') throw error;
      pending.push({ points: part.points, failure: partFailure });
    }
  }
  return result;
};
