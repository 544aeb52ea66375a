export * from './record-audit';
export * from './with-transaction';
