import { Inject, Injectable } from '@nestjs/common';
import { parseFormula } from '@telemetry/formula';
import type { ApiConfig } from '../config';
import { API_CONFIG, TIME_BUCKET_FUNCTION, type TimeBucketFunction } from '../core/api-deps';
import { badUserInput } from '../errors/api-error';
import { MetricsRepository } from '../metrics/metrics.repository';
import { evaluateDerivedSeries } from './evaluate-derived-series';
import { planSeriesQuery, type SeriesRequest } from './plan-series-query';
import type { Series } from './series.model';
import { SeriesRepository } from './series.repository';

/** Derived metrics reading derived metrics: the catalog refuses cycles; this bounds the work regardless. */
const MAX_DERIVED_NESTING = 4;

@Injectable()
export class SeriesService {
  constructor(
    private readonly repository: SeriesRepository,
    private readonly metrics: MetricsRepository,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(TIME_BUCKET_FUNCTION) private readonly timeBucketFunction: TimeBucketFunction,
  ) {}

  /** Measured metrics straight from the rollups; derived metrics evaluated over their inputs' series. */
  async series(request: SeriesRequest, nowMs = Date.now()): Promise<Series[]> {
    return this.seriesAt(request, nowMs, 0);
  }

  private async seriesAt(request: SeriesRequest, nowMs: number, nesting: number): Promise<Series[]> {
    const plan = planSeriesQuery(request, {
      nowMs,
      maxPointsPerGroup: this.config.API_MAX_SERIES_POINTS,
      timeBucketFunction: this.timeBucketFunction,
    });
    // Most metrics are measured: run their query alongside the definition lookup instead of after it.
    const [measured, [stored]] = await Promise.all([this.repository.run(plan), this.metrics.byNames([request.metric])]);
    if (stored?.definition.type !== 'derived') return measured;

    if (nesting >= MAX_DERIVED_NESTING) throw badUserInput(`derived metrics nest more than ${MAX_DERIVED_NESTING} deep`, { metric: request.metric });
    const formula = parseFormula(stored.definition.formula ?? '');
    // Inputs use the step this plan settled on, so every series lines up bucket for bucket.
    const inputRequest = (metric: string): SeriesRequest => ({ ...request, metric, step: `${plan.stepSeconds / 60}m` });
    const [aggregated, bare] = await Promise.all([
      Promise.all(formula.aggregatedReferences.map(async (metric) => [metric, await this.repository.run(planSeriesQuery(inputRequest(metric), {
        nowMs,
        maxPointsPerGroup: this.config.API_MAX_SERIES_POINTS,
        timeBucketFunction: this.timeBucketFunction,
      }))] as const)),
      Promise.all(formula.bareReferences.map(async (metric) => [metric, await this.seriesAt(inputRequest(metric), nowMs, nesting + 1)] as const)),
    ]);
    return evaluateDerivedSeries(formula, { aggregated: new Map(aggregated), bare: new Map(bare) }, plan.groupKeys, plan.stepSeconds);
  }
}
