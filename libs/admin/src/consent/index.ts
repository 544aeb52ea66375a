export * from './record-consent';
