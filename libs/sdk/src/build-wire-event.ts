import { NO_CONSENT_PURPOSE } from './decide-consent';
import type { SdkAttributes, WireEvent } from './telemetry-types';

export interface WireEventInput {
  id: string;
  metric: string;
  value: number;
  timestamp: number;
  purpose: string;
  subjectId: string | undefined;
  attributes: SdkAttributes | undefined;
}

/** The event as ingest receives it. Machine telemetry (purpose "none") is about no one: it carries no subject. */
export const buildWireEvent = (input: WireEventInput): WireEvent => {
  const event: WireEvent = { id: input.id, metric: input.metric, value: input.value, timestamp: input.timestamp };
  if (input.subjectId !== undefined && input.purpose !== NO_CONSENT_PURPOSE) event.subjectId = input.subjectId;
  if (input.attributes !== undefined && Object.keys(input.attributes).length > 0) event.attributes = { ...input.attributes };
  return event;
};
