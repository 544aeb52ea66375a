import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { applyMetricDefinition, retireMetric } from '@telemetry/admin';
import { actorOf } from '../auth/actor-of';
import type { GraphqlContext } from '../auth/graphql-context';
import { CatalogAdmin } from './catalog-admin.provider';
import { metricInputToDefinition } from './metric-input-to-definition';
import { Metric, MetricInput, toMetric } from './metric.model';
import { MetricsRepository } from './metrics.repository';

@Resolver(() => Metric)
export class MetricsResolver {
  constructor(
    private readonly metricsRepository: MetricsRepository,
    private readonly catalogAdmin: CatalogAdmin,
  ) {}

  @Query(() => [Metric], { description: 'The active catalog (retired metrics are left out), by name.' })
  async metrics(): Promise<Metric[]> {
    return (await this.metricsRepository.active()).map(toMetric);
  }

  @Query(() => Metric, { nullable: true, description: 'One metric by name, retired ones included.' })
  metric(@Args('name') name: string, @Context() context: GraphqlContext): Promise<Metric | null> {
    return context.loaders.metricByName.load(name);
  }

  @Mutation(() => Metric, { description: 'Defines or redefines a metric: validated like catalog:apply, stored, published on catalog.v1.' })
  async defineMetric(@Args('input') input: MetricInput, @Context() context: GraphqlContext): Promise<Metric> {
    const stored = await applyMetricDefinition(this.catalogAdmin.deps, metricInputToDefinition(input), actorOf(context));
    context.loaders.metricByName.clear(stored.definition.name);
    return toMetric(stored);
  }

  @Mutation(() => Metric, { description: 'Retires a metric: a catalog.v1 tombstone; refused while a derived metric reads it.' })
  async retireMetric(@Args('name') name: string, @Context() context: GraphqlContext): Promise<Metric> {
    const stored = await retireMetric(this.catalogAdmin.deps, name, actorOf(context));
    context.loaders.metricByName.clear(name);
    return toMetric(stored);
  }
}
