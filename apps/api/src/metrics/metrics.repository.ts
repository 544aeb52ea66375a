import { Inject, Injectable } from '@nestjs/common';
import { loadStoredMetrics, loadStoredMetricsByName, type StoredMetric } from '@telemetry/admin';
import type { Pool } from 'pg';
import { PG_POOL } from '../core/api-deps';

@Injectable()
export class MetricsRepository {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async active(): Promise<StoredMetric[]> {
    return (await loadStoredMetrics(this.pool)).filter((metric) => metric.retiredAt === null);
  }

  /** One query for many names (DataLoader batches land here); retired metrics included. */
  byNames(names: readonly string[]): Promise<StoredMetric[]> {
    return loadStoredMetricsByName(this.pool, names);
  }
}
