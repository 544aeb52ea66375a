import { Args, Context, Mutation, Query, Resolver } from '@nestjs/graphql';
import { actorOf } from '../auth/actor-of';
import type { GraphqlContext } from '../auth/graphql-context';
import { badUserInput } from '../errors/api-error';
import { Consent, ErasureRequest, PurposeGrant, toConsent } from './consent.model';
import { PrivacyAdmin } from './privacy-admin.provider';

@Resolver(() => Consent)
export class ConsentResolver {
  constructor(private readonly privacy: PrivacyAdmin) {}

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
    const byPurpose = new Map(purposes.map((grant) => [grant.purpose, grant.granted]));
    if (byPurpose.size !== purposes.length) throw badUserInput('purposes lists a purpose twice', { argument: 'purposes' });
    return toConsent(await this.privacy.recordConsent(subjectId, Object.fromEntries(byPurpose), actorOf(context)));
  }

  @Mutation(() => ErasureRequest, {
    description: 'Erases everything stored about a subject: consent.v1 tombstone, then its rows deleted from every per-subject table. Audited.',
  })
  requestErasure(@Args('subjectId') subjectId: string, @Context() context: GraphqlContext): Promise<ErasureRequest> {
    return this.privacy.requestErasure(subjectId, actorOf(context));
  }
}
