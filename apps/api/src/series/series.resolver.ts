import { Args, Query, Resolver } from '@nestjs/graphql';
import { AttributeFilter, Series } from './series.model';
import { SeriesService } from './series.service';

@Resolver(() => Series)
export class SeriesResolver {
  constructor(private readonly seriesService: SeriesService) {}

  @Query(() => [Series], {
    description:
      'Time buckets of one metric from the rollup tables (rollups_1h for whole-hour steps, rollups_1m otherwise), one Series per group. ' +
      'step: 1m, 5m, 1h, 1d, …; chosen from the range when absent.',
    complexity: 50,
  })
  series(
    @Args('metric') metric: string,
    @Args('from') from: Date,
    @Args('to') to: Date,
    @Args('step', { type: () => String, nullable: true }) step: string | null,
    @Args('groupBy', { type: () => [String], nullable: true }) groupBy: string[] | null,
    @Args('where', { type: () => [AttributeFilter], nullable: true }) where: AttributeFilter[] | null,
  ): Promise<Series[]> {
    return this.seriesService.series({ metric, fromMs: from.getTime(), toMs: to.getTime(), step, groupBy, where });
  }
}
