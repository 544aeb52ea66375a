export * from './request-erasure';
