/**
 * libs/rollup — time-bucket aggregation: rollup buckets (count, sum, min, max and a mergeable
 * DDSketch for quantiles), series identity and reference-data enrichment, bucket closing
 * (watermark + allowed lateness), derived metrics per bucket (libs/formula), and the pattern
 * mining math (deviating segments, correlated metrics) that the processor's job and the API share.
 * Pure (type:domain): imports only @telemetry/contracts, @telemetry/formula and the sketch
 * library; never Nest, kafkajs, pg, TypeORM or Node I/O.
 */
export * from './bucket-time';
export * from './quantile-sketch';
export * from './rollup-bucket';
export * from './series-attributes';
export * from './enrich-attributes';
export * from './parse-reference-data';
export * from './closing-watermark';
export * from './derive-buckets';
export * from './mine-segments';
export * from './mine-correlations';
