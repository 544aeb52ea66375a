export * from './api-token-secret';
export * from './api-tokens';
