import type { BatchProducer, OutgoingMessage } from '@telemetry/kafka';

/**
 * The broker refuses a record batch above message.max.bytes (1 MiB by default), and one send puts
 * everything for a partition into one batch: so large outputs (a page of rollups, a batch of dead
 * letters) go out in sends of at most `maxRequestBytes` each, one after the other.
 */
export const DEFAULT_MAX_REQUEST_BYTES = 800_000;

/** Per-record framing in a Kafka record batch (lengths, offsets, headers), rounded up. */
const RECORD_OVERHEAD_BYTES = 64;

export const chunkMessages = (messages: readonly OutgoingMessage[], maxRequestBytes: number): OutgoingMessage[][] => {
  const chunks: OutgoingMessage[][] = [];
  let current: OutgoingMessage[] = [];
  let bytes = 0;
  for (const message of messages) {
    const value = message.value;
    const valueBytes = value === null ? 0 : typeof value === 'string' ? Buffer.byteLength(value) : value.length;
    const size = (message.key?.length ?? 0) + valueBytes + RECORD_OVERHEAD_BYTES;
    if (current.length > 0 && bytes + size > maxRequestBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(message);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
};

export const sendInChunks = async (
  producer: Pick<BatchProducer, 'send'>,
  topic: string,
  messages: readonly OutgoingMessage[],
  maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES,
): Promise<void> => {
  for (const chunk of chunkMessages(messages, maxRequestBytes)) await producer.send([{ topic, messages: chunk }]);
};
