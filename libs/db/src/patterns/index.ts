export * from './patterns.repository';
