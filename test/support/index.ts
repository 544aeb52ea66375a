export * from './test-database';
export * from './test-kafka';
export * from './stack';
export * from './chromium';
export * from './stack-client';
