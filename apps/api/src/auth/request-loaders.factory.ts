import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { IncidentsRepository, toIncident } from '../incidents/incidents.repository';
import { toMetric } from '../metrics/metric.model';
import { MetricsRepository } from '../metrics/metrics.repository';
import type { RequestLoaders } from './graphql-context';

/** New loaders for every request: batching within it, and no cache shared between callers. */
@Injectable()
export class RequestLoadersFactory {
  constructor(
    private readonly incidents: IncidentsRepository,
    private readonly metrics: MetricsRepository,
  ) {}

  create(): RequestLoaders {
    return {
      incidentById: new DataLoader(async (ids: readonly string[]) => {
        const byId = new Map((await this.incidents.byIds(ids)).map((row) => [row.id, toIncident(row)]));
        return ids.map((id) => byId.get(id) ?? null);
      }),
      incidentIdByAnomalyId: new DataLoader(async (anomalyIds: readonly string[]) => {
        const byAnomaly = await this.incidents.incidentIdsOfAnomalies(anomalyIds);
        return anomalyIds.map((id) => byAnomaly.get(id) ?? null);
      }),
      metricByName: new DataLoader(async (names: readonly string[]) => {
        const byName = new Map((await this.metrics.byNames(names)).map((stored) => [stored.definition.name, toMetric(stored)]));
        return names.map((name) => byName.get(name) ?? null);
      }),
    };
  }
}
