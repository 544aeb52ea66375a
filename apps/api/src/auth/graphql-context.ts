import type DataLoader from 'dataloader';
import type { Incident } from '../incidents/incident.model';
import type { Metric } from '../metrics/metric.model';
import type { Principal } from './principal';

/** Per-request loaders: a list of N items asks the database once, not N times. */
export interface RequestLoaders {
  readonly incidentById: DataLoader<string, Incident | null>;
  /** For anomalies that arrived over anomalies.v1, whose incident the stream does not carry. */
  readonly incidentIdByAnomalyId: DataLoader<string, string | null>;
  readonly metricByName: DataLoader<string, Metric | null>;
}

/** What every resolver receives as its context, over HTTP and over graphql-ws alike. */
export interface GraphqlContext {
  readonly principal: Principal | null;
  readonly loaders: RequestLoaders;
}
