import { Field, Float, ObjectType } from '@nestjs/graphql';
import { GraphQLJSON } from '../graphql/json.scalar';

@ObjectType({
  description:
    'A mined pattern: kind "segment" (subject {attribute, value}: an attribute value whose mean deviates from the rest) or ' +
    '"correlation" (subject {metric}: a metric moving with this one). strength is in [0, 1].',
})
export class Pattern {
  @Field() kind!: string;
  @Field(() => GraphQLJSON) subject!: Record<string, unknown>;
  @Field(() => Float) strength!: number;
  @Field(() => Float, { description: 'Points (segment) or buckets (correlation) the pattern rests on.' }) support!: number;
  @Field(() => GraphQLJSON) details!: Record<string, unknown>;
}
