export * from './metric-catalog-store';
export * from './apply-metric-definition';
