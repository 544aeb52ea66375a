/** Request and event limits of ARCHITECTURE.md; every one configurable per deployment. */
export interface EventLimits {
  maxEventsPerRequest: number;
  maxRequestBytes: number;
  maxAttributes: number;
  maxAttributeKeyLength: number;
  maxStringValueLength: number;
  maxIdLength: number;
  maxMetricNameLength: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxEventsPerRequest: 1_000,
  maxRequestBytes: 1024 * 1024,
  maxAttributes: 32,
  maxAttributeKeyLength: 64,
  maxStringValueLength: 256,
  maxIdLength: 128,
  maxMetricNameLength: 128,
};
