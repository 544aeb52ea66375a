import { MAX_PRODUCE_REQUEST_BYTES, messageBytes, type BatchProducer } from '@telemetry/kafka';

interface PendingMessage {
  key: string;
  value: Buffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Produces telemetry.raw.v1 envelopes over one or more idempotent acks=all producers ("lanes").
 * A producer has one request in flight (maxInFlightRequests = 1, which keeps idempotence exact),
 * and a broker handles one request per connection at a time, so a single producer caps
 * throughput at one round trip per request. Each idle lane takes what is queued — up to
 * maxRequestBytes and no more than BatchProducer sends in one request (more would cost a second
 * round trip, one after the other) — and sends it as one request;
 * requests arriving meanwhile wait for the next free lane. No timer: an idle service sends at
 * once, a busy one amortizes each round trip over many HTTP requests. A caller's promise settles
 * with the Kafka request that carried its message.
 */
export class RawEnvelopeProducer {
  private readonly queue: PendingMessage[] = [];
  private readonly idleLanes: BatchProducer[];
  private readonly busy = new Set<Promise<void>>();
  private readonly maxRequestBytes: number;

  constructor(
    lanes: readonly BatchProducer[],
    private readonly topic: string,
    maxRequestBytes: number,
    private readonly observeSendSeconds: (seconds: number, outcome: 'ok' | 'error') => void,
  ) {
    this.idleLanes = [...lanes];
    this.maxRequestBytes = Math.min(maxRequestBytes, MAX_PRODUCE_REQUEST_BYTES);
  }

  /**
   * Resolves once every value is acknowledged by all in-sync replicas; rejects with
   * KafkaUnavailableError. Settles only when every value's request did, so the caller may reuse
   * the values' memory then.
   */
  send(key: string, values: readonly Buffer[]): Promise<void> {
    const sent = values.map((value) => new Promise<void>((resolve, reject) => this.queue.push({ key, value, resolve, reject })));
    this.dispatch();
    if (sent.length === 1 && sent[0]) return sent[0];
    return Promise.allSettled(sent).then((results) => {
      const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failed) throw failed.reason;
    });
  }

  /** Resolves when nothing is queued or in flight (graceful shutdown). */
  async whenIdle(): Promise<void> {
    while (this.busy.size > 0) await Promise.all(this.busy);
  }

  private dispatch() {
    while (this.queue.length > 0) {
      const lane = this.idleLanes.pop();
      if (!lane) return;
      const batch = this.takeBatch();
      const sending = this.sendOn(lane, batch).finally(() => {
        this.busy.delete(sending);
        this.idleLanes.push(lane);
        this.dispatch();
      });
      this.busy.add(sending);
    }
  }

  private takeBatch(): PendingMessage[] {
    let bytes = 0;
    let count = 0;
    for (const next of this.queue) {
      const size = messageBytes(next);
      if (count > 0 && bytes + size > this.maxRequestBytes) break;
      bytes += size;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async sendOn(lane: BatchProducer, batch: PendingMessage[]): Promise<void> {
    const startedAt = process.hrtime.bigint();
    try {
      await lane.send([{ topic: this.topic, messages: batch.map(({ key, value }) => ({ key, value })) }]);
      this.observeSendSeconds(Number(process.hrtime.bigint() - startedAt) / 1e9, 'ok');
      for (const pending of batch) pending.resolve();
    } catch (error) {
      this.observeSendSeconds(Number(process.hrtime.bigint() - startedAt) / 1e9, 'error');
      for (const pending of batch) pending.reject(error);
    }
  }
}
