import { Args, Context, Field, ID, Mutation, ObjectType, Resolver, registerEnumType } from '@nestjs/graphql';
import { createToken, revokeToken } from '@telemetry/admin';
import type { Pool } from 'pg';
import { Inject } from '@nestjs/common';
import { actorOf } from '../auth/actor-of';
import type { GraphqlContext } from '../auth/graphql-context';
import { PG_POOL } from '../core/api-deps';

export enum Role {
  VIEWER = 'viewer',
  ADMIN = 'admin',
}
registerEnumType(Role, { name: 'Role', description: 'VIEWER reads; ADMIN also mutates.' });

@ObjectType({ description: 'A new API token: the secret is shown here once; only its hash is stored.' })
export class CreatedToken {
  @Field(() => ID) id!: string;
  @Field() token!: string;
  @Field() name!: string;
  @Field(() => Role) role!: Role;
}

@Resolver()
export class TokensResolver {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  @Mutation(() => CreatedToken, { description: 'Creates a bearer token for the API. Audited.' })
  async createToken(
    @Args('name') name: string,
    @Args('role', { type: () => Role }) role: Role,
    @Context() context: GraphqlContext,
  ): Promise<CreatedToken> {
    const created = await createToken(this.pool, { name, role }, actorOf(context));
    return { id: created.id, token: created.token, name: created.name, role };
  }

  @Mutation(() => Boolean, { description: 'Revokes a token at once; false when it was unknown or already revoked. Audited.' })
  revokeToken(@Args('id', { type: () => ID }) id: string, @Context() context: GraphqlContext): Promise<boolean> {
    return revokeToken(this.pool, id, actorOf(context));
  }
}
