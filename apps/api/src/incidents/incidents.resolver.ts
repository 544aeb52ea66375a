import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { actorOf } from '../auth/actor-of';
import type { GraphqlContext } from '../auth/graphql-context';
import { badUserInput } from '../errors/api-error';
import { toPage } from '../graphql/page-info.model';
import { decodeCursor, encodeCursor, pageSize } from '../graphql/relay-cursor';
import { Incident, IncidentConnection, IncidentStatus } from './incident.model';
import { IncidentsRepository, toIncident } from './incidents.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Resolver(() => Incident)
export class IncidentsResolver {
  constructor(private readonly incidentsRepository: IncidentsRepository) {}

  @Query(() => IncidentConnection, {
    description: 'Incidents, most recently opened first. A Relay connection: pass pageInfo.endCursor as after.',
    complexity: ({ args, childComplexity }) => 5 + (typeof args['first'] === 'number' ? args['first'] : 50) * childComplexity,
  })
  async incidents(
    @Args('status', { type: () => IncidentStatus, nullable: true }) status: IncidentStatus | null,
    @Args('first', { type: () => Int, nullable: true }) first: number | null,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<IncidentConnection> {
    const size = pageSize(first);
    const position = after ? decodeCursor(after) : null;
    if (position && !UUID.test(position.id)) throw badUserInput('after is not a cursor returned by this API', { argument: 'after' });
    const rows = await this.incidentsRepository.page(status, position, size + 1);
    return toPage(rows, size, toIncident, (row) => encodeCursor({ at: row.cursor_at, id: row.id }));
  }

  @Mutation(() => Incident, { description: 'open → acknowledged (someone is on it). Audited.' })
  acknowledgeIncident(@Args('id', { type: () => ID }) id: string, @Context() context: GraphqlContext): Promise<Incident> {
    return this.incidentsRepository.transition(id, 'acknowledge', actorOf(context));
  }

  @Mutation(() => Incident, { description: '→ resolved; the next anomaly of the series opens a new incident. Audited.' })
  resolveIncident(@Args('id', { type: () => ID }) id: string, @Context() context: GraphqlContext): Promise<Incident> {
    return this.incidentsRepository.transition(id, 'resolve', actorOf(context));
  }
}
