import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import type { SubjectConsent } from '@telemetry/admin';
import { GraphQLJSON } from '../graphql/json.scalar';

@InputType({ description: 'One consent purpose, granted or withdrawn.' })
export class PurposeGrant {
  @Field() purpose!: string;
  @Field() granted!: boolean;
}

@ObjectType()
export class ConsentPurpose {
  @Field() purpose!: string;
  @Field() granted!: boolean;
}

@ObjectType({ description: 'A subject\'s consent, stored under its pseudonym (never the raw subject id).' })
export class Consent {
  @Field({ description: 'The pseudonym: base64url(HMAC-SHA256(PSEUDONYM_KEY, subjectId)).' }) subject!: string;
  @Field(() => [ConsentPurpose]) purposes!: ConsentPurpose[];
  @Field() updatedAt!: Date;
}

@ObjectType({ description: 'A request to erase everything stored about a subject (GDPR art. 17).' })
export class ErasureRequest {
  @Field(() => ID) id!: string;
  @Field({ description: 'The pseudonym.' }) subject!: string;
  @Field({ description: 'pending | completed | failed' }) status!: 'pending' | 'completed' | 'failed';
  @Field() requestedAt!: Date;
  @Field(() => Date, { nullable: true }) completedAt!: Date | null;
  @Field(() => GraphQLJSON, { nullable: true, description: 'Rows deleted per table, once completed.' }) deletedRows!: Readonly<Record<string, number>> | null;
  @Field({ description: 'True when an earlier request had already erased everything and this one found nothing left.' }) alreadyErased!: boolean;
}

export const toConsent = (state: SubjectConsent): Consent => ({
  subject: state.subject,
  purposes: Object.entries(state.purposes)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([purpose, granted]) => ({ purpose, granted })),
  updatedAt: state.updatedAt,
});
