/**
 * Group commit for the batches kafkajs hands over together. One fetch returns a batch per
 * partition and kafkajs gives them to the handler concurrently (partitionsConsumedConcurrently),
 * then waits for all of them before it fetches again. Stored in one transaction each, those
 * batches merge into the same rollup rows, so each waits for the others' row locks and COMMITs
 * (one WAL flush each); stored together they take one transaction, one rollup merge and one flush.
 *
 * `submit` queues an item and resolves (or rejects) with the outcome of the one `store` call that
 * took it, so each partition's offsets are still committed only after its rows are. Items
 * submitted in the same turn of the event loop go together: kafkajs starts every handler of a
 * fetch before any I/O, and the flush waits for a later turn (setImmediate).
 */
export class BatchCoalescer<Item, Outcome> {
  private pending: Array<{ item: Item; resolve: (outcome: Outcome) => void; reject: (error: unknown) => void }> = [];
  private isScheduled = false;

  constructor(private readonly store: (items: Item[]) => Promise<Outcome>) {}

  submit(item: Item): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.isScheduled) return;
      this.isScheduled = true;
      setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const taken = this.pending;
    this.pending = [];
    this.isScheduled = false;
    try {
      const outcome = await this.store(taken.map((entry) => entry.item));
      for (const entry of taken) entry.resolve(outcome);
    } catch (error) {
      for (const entry of taken) entry.reject(error);
    }
  }
}
