import type { DeadLetter, Stage } from '@telemetry/contracts';
import type { OutgoingMessage } from './batch-producer';

/** A telemetry.dlq.v1 record: the event, why it was rejected and where. Keyed by source. */
export const deadLetterMessage = (
  sourceId: string,
  event: unknown,
  reason: string,
  stage: Stage,
  at: Date = new Date(),
): OutgoingMessage => {
  const record: DeadLetter = { sourceId, event, reason, stage, at: at.toISOString() };
  return { key: sourceId, value: JSON.stringify(record) };
};
