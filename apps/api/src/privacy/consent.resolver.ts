import { Inject } from '@nestjs/common';
import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { actorOf } from '../auth/actor-of';
import type { GraphqlContext } from '../auth/graphql-context';
import { Consent, ErasureRequest, PurposeGrant, toConsent } from './consent.model';
import { PRIVACY_ADMIN, type PrivacyAdmin } from './privacy-admin.port';

@Resolver(() => Consent)
export class ConsentResolver {
  constructor(@Inject(PRIVACY_ADMIN) private readonly privacy: PrivacyAdmin) {}

  @Query(() => Consent, { nullable: true, description: 'The consent recorded for a subject (looked up by its pseudonym); null when none.' })
  async consent(@Args('subjectId') subjectId: string): Promise<Consent | null> {
    const state = await this.privacy.readConsent(subjectId);
    return state === null ? null : toConsent(state);
  }

  @Mutation(() => Consent, { description: 'Grants or withdraws purposes (others are kept): consents table + consent.v1. Audited.' })
  async recordConsent(
    @Args('subjectId') subjectId: string,
    @Args('purposes', { type: () => [PurposeGrant] }) purposes: PurposeGrant[],
    @Context() context: GraphqlContext,
  ): Promise<Consent> {
    return toConsent(await this.privacy.recordConsent(subjectId, purposes, actorOf(context)));
  }

  @Mutation(() => ErasureRequest, { description: 'Requests erasure of everything stored about a subject. Audited.' })
  requestErasure(@Args('subjectId') subjectId: string, @Context() context: GraphqlContext): Promise<ErasureRequest> {
    return this.privacy.requestErasure(subjectId, actorOf(context));
  }
}
