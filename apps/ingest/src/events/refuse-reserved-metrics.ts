import { isReservedMetricName, type EventValidator } from '@telemetry/contracts';

/** The code in the per-event reason, and the category ingest's rejection figures count it under. */
export const RESERVED_METRIC_REASON = 'reserved_metric';

/**
 * Ingest's event check: the contract's validation, then the reserved namespace. telemetry.self.* is
 * the services' own figures, which they produce to Kafka themselves; from a sender such an event
 * would mix into, or mask, their series (and skip PII scrubbing), so it is refused like any invalid
 * event: in the answer's `rejected` list, while the valid events beside it are accepted.
 */
export const refuseReservedMetrics =
  (validate: EventValidator): EventValidator =>
  (input, path = '', hints) => {
    const result = validate(input, path, hints);
    if (!result.ok || !isReservedMetricName(result.event.metric)) return result;
    return { ok: false, reason: `${path ? `${path}.` : ''}metric: ${RESERVED_METRIC_REASON} (telemetry.self.* is written only by the pipeline itself)` };
  };
