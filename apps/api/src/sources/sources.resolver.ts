import { Inject } from '@nestjs/common';
import { Args, Context, Field, ID, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { createSource, listSources, recordAudit, revokeSource, withTransaction } from '@telemetry/admin';
import type { Pool } from 'pg';
import { actorOf } from '../auth/actor-of';
import type { GraphqlContext } from '../auth/graphql-context';
import { PG_POOL } from '../core/api-deps';

@ObjectType({ description: 'A sender of telemetry, authenticated at ingest by its API key.' })
export class Source {
  @Field(() => ID) id!: string;
  @Field() name!: string;
  @Field() createdAt!: Date;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType()
export class CreatedSource {
  @Field(() => Source) source!: Source;
  @Field({ description: 'Shown once; only a hash is stored.' }) apiKey!: string;
}

@Resolver(() => Source)
export class SourcesResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Query(() => [Source], { description: 'Every source, revoked ones included, oldest first.' })
  sources(): Promise<Source[]> {
    return listSources(this.pool);
  }

  @Mutation(() => CreatedSource, { description: 'Creates a source and its API key (returned once). Audited.' })
  createSource(@Args('name') name: string, @Context() context: GraphqlContext): Promise<CreatedSource> {
    return withTransaction(this.pool, async (client) => {
      const created = await createSource(client, name);
      await recordAudit(client, { actor: actorOf(context), action: 'source.create', target: created.source.id, details: { name: created.source.name } });
      return created;
    });
  }

  @Mutation(() => Source, { description: 'Revokes a source: ingest refuses its key within seconds. Audited.' })
  revokeSource(@Args('id', { type: () => ID }) id: string, @Context() context: GraphqlContext): Promise<Source> {
    return withTransaction(this.pool, async (client) => {
      const source = await revokeSource(client, id);
      await recordAudit(client, { actor: actorOf(context), action: 'source.revoke', target: source.id, details: { name: source.name } });
      return source;
    });
  }
}
