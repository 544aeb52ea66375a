import { Args, Context, Int, Parent, Query, ResolveField, Resolver, Subscription } from '@nestjs/graphql';
import type { GraphqlContext } from '../auth/graphql-context';
import { toPage } from '../graphql/page-info.model';
import { decodeCursor, encodeCursor, pageSize } from '../graphql/relay-cursor';
import { Incident } from '../incidents/incident.model';
import { AnomaliesRepository, toAnomaly } from './anomalies.repository';
import { Anomaly, AnomalyConnection } from './anomaly.model';
import { AnomalyFeed } from './anomaly-feed';

@Resolver(() => Anomaly)
export class AnomaliesResolver {
  constructor(
    private readonly anomaliesRepository: AnomaliesRepository,
    private readonly feed: AnomalyFeed,
  ) {}

  @Query(() => AnomalyConnection, {
    description: 'Anomalies, newest first, [from, to). A Relay connection: pass pageInfo.endCursor as after.',
    complexity: ({ args, childComplexity }) => 5 + (typeof args['first'] === 'number' ? args['first'] : 50) * childComplexity,
  })
  async anomalies(
    @Args('metric', { type: () => String, nullable: true }) metric: string | null,
    @Args('from', { type: () => Date, nullable: true }) from: Date | null,
    @Args('to', { type: () => Date, nullable: true }) to: Date | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<AnomalyConnection> {
    const size = pageSize(first);
    const rows = await this.anomaliesRepository.page(
      { metric, fromMs: from?.getTime() ?? null, toMs: to?.getTime() ?? null },
      after ? decodeCursor(after) : null,
      size + 1,
    );
    return toPage(rows, size, toAnomaly, (row) => encodeCursor({ at: row.cursor_at, id: row.id }));
  }

  @ResolveField(() => Incident, { nullable: true, description: 'The incident this anomaly belongs to, if any.' })
  async incident(@Parent() anomaly: Anomaly, @Context() context: GraphqlContext): Promise<Incident | null> {
    const incidentId = anomaly.incidentId === undefined ? await context.loaders.incidentIdByAnomalyId.load(anomaly.id) : anomaly.incidentId;
    return incidentId === null ? null : context.loaders.incidentById.load(incidentId);
  }

  @Subscription(() => Anomaly, {
    description: 'Anomalies as they are published on anomalies.v1, optionally for one metric only.',
    resolve: (anomaly: Anomaly) => anomaly,
  })
  anomalyDetected(@Args('metric', { type: () => String, nullable: true }) metric: string | null): AsyncIterableIterator<Anomaly> {
    return this.feed.subscribe(metric);
  }
}
