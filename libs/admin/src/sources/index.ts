export * from './api-key';
export * from './api-key-verifier';
export * from './source-errors';
export * from './sources.repository';
