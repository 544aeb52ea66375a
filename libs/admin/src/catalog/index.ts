export * from './metric-catalog-store';
export * from './apply-metric-definition';
export * from './apply-catalog';
export * from './format-catalog-plan';
