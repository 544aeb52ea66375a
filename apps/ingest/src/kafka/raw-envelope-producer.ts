import type { BatchProducer } from '@telemetry/kafka';

interface PendingMessage {
  key: string;
  value: Buffer;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/**
 * Produces telemetry.raw.v1 envelopes. Requests that arrive while a send is in flight are sent
 * together in the next one (one Kafka request, acks = all), up to maxRequestBytes so no record
 * batch can exceed the broker's limit. No timer: an idle service sends at once, a busy one
 * amortizes the Kafka round trip over many HTTP requests. Each caller's promise settles with
 * the Kafka request that carried its message.
 */
export class RawEnvelopeProducer {
  private queue: PendingMessage[] = [];
  private isSending = false;
  private idle: Promise<void> = Promise.resolve();
  private markIdle: () => void = () => undefined;

  constructor(
    private readonly producer: BatchProducer,
    private readonly topic: string,
    private readonly maxRequestBytes: number,
    private readonly observeSendSeconds: (seconds: number, outcome: 'ok' | 'error') => void,
  ) {}

  /** Resolves once every value is acknowledged by all in-sync replicas; rejects with KafkaUnavailableError. */
  send(key: string, values: readonly Buffer[]): Promise<void> {
    const sent = values.map(
      (value) => new Promise<void>((resolve, reject) => this.queue.push({ key, value, resolve, reject })),
    );
    if (!this.isSending) void this.drain();
    return sent.length === 1 && sent[0] ? sent[0] : Promise.all(sent).then(() => undefined);
  }

  /** Resolves when nothing is queued or in flight (graceful shutdown). */
  whenIdle(): Promise<void> {
    return this.isSending ? this.idle : Promise.resolve();
  }

  private async drain(): Promise<void> {
    this.isSending = true;
    this.idle = new Promise((resolve) => {
      this.markIdle = resolve;
    });
    while (this.queue.length > 0) {
      let bytes = 0;
      let count = 0;
      while (count < this.queue.length) {
        const next = this.queue[count];
        if (!next || (count > 0 && bytes + next.value.length > this.maxRequestBytes)) break;
        bytes += next.value.length;
        count++;
      }
      const batch = this.queue.splice(0, count);
      const startedAt = process.hrtime.bigint();
      try {
        await this.producer.send([{ topic: this.topic, messages: batch.map(({ key, value }) => ({ key, value })) }]);
        this.observeSendSeconds(Number(process.hrtime.bigint() - startedAt) / 1e9, 'ok');
        for (const pending of batch) pending.resolve();
      } catch (error) {
        this.observeSendSeconds(Number(process.hrtime.bigint() - startedAt) / 1e9, 'error');
        for (const pending of batch) pending.reject(error);
      }
    }
    this.isSending = false;
    this.markIdle();
  }
}
