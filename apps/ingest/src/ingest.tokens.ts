/** Nest injection tokens of the ingest app (values built in createIngestApp). */
export const INGEST_SETTINGS = Symbol('INGEST_SETTINGS');
export const API_KEY_VERIFIER = Symbol('API_KEY_VERIFIER');
export const RATE_LIMITER = Symbol('RATE_LIMITER');
export const RAW_ENVELOPE_PRODUCER = Symbol('RAW_ENVELOPE_PRODUCER');
export const INGEST_METRICS = Symbol('INGEST_METRICS');
export const OPS_ENDPOINTS = Symbol('OPS_ENDPOINTS');
