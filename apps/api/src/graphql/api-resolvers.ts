import { AnomaliesResolver } from '../anomalies/anomalies.resolver';
import { IncidentsResolver } from '../incidents/incidents.resolver';
import { MetricsResolver } from '../metrics/metrics.resolver';
import { PatternsResolver } from '../patterns/patterns.resolver';
import { ConsentResolver } from '../privacy/consent.resolver';
import { SeriesResolver } from '../series/series.resolver';
import { SourcesResolver } from '../sources/sources.resolver';
import { TokensResolver } from '../tokens/tokens.resolver';

/** Every resolver: the running API and the committed SDL (schema.graphql) are built from this one list. */
export const API_RESOLVERS = [
  MetricsResolver,
  SeriesResolver,
  AnomaliesResolver,
  IncidentsResolver,
  PatternsResolver,
  SourcesResolver,
  ConsentResolver,
  TokensResolver,
];
