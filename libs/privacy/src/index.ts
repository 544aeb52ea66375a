/**
 * libs/privacy — what may leave the privacy filter: consent decisions (opt-in, per purpose),
 * catalog enforcement per event (unknown, expired, over budget, undeclared attributes stripped),
 * PII scrubbing of attribute values (linear-time rules), pseudonymization of subject ids
 * (HMAC-SHA256), and keyed hashes for event and source ids that hold PII. Pure (type:domain): imports libs/contracts, libs/catalog and node:crypto only;
 * never NestJS, kafkajs, TypeORM, pg or any I/O.
 */
export * from './luhn';
export * from './ip-address';
export * from './scrub-rules';
export * from './create-scrubber';
export * from './pseudonymize';
export * from './hash-identifier';
export * from './protect-identifier';
export * from './consent-decision';
export * from './daily-budget-counter';
export * from './catalog-lookup';
export * from './privacy-steps';
export * from './filter-events';
