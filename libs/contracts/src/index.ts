/**
 * libs/contracts — the shapes other people's code relies on: events, Kafka envelopes and topic
 * names, the pipeline step vocabulary, typed errors, and their runtime validation (TypeBox).
 * Imports nothing but TypeBox: no I/O, no framework.
 */
export * from './topics';
export * from './limits';
export * from './event';
export * from './envelopes';
export * from './validate-event';
export * from './parse-timestamp';
export * from './event-time-window';
export * from './series-key';
export * from './step-result';
export * from './errors';
export * from './metric-definition';
export * from './histogram-parts';
