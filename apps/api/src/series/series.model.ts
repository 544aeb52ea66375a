import { Field, Float, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { GraphQLJSON } from '../graphql/json.scalar';
import type { FilterOperator } from './plan-series-query';

export enum FilterOp {
  EQ = 'EQ',
  NEQ = 'NEQ',
  IN = 'IN',
  PREFIX = 'PREFIX',
}
registerEnumType(FilterOp, {
  name: 'FilterOp',
  description: 'EQ, NEQ (a series without the key counts as not equal), IN (comma-separated values), PREFIX (literal, no wildcards).',
});

@InputType({ description: 'A filter on one series attribute; keys follow the event attribute-key rules.' })
export class AttributeFilter {
  @Field() key!: string;
  @Field(() => FilterOp) op!: FilterOperator;
  @Field() value!: string;
}

@ObjectType({
  description:
    'One time bucket. Over merged rollup buckets: count/sum/min/max are exact; avg = sum/count; p50 is the count-weighted ' +
    'mean of the stored medians and p95/p99 the largest stored value (an upper bound). value is the derived metric\'s ' +
    'formula result (null for measured metrics; for derived metrics count is 0 and the other aggregates null).',
})
export class SeriesPoint {
  @Field({ description: 'Bucket start; buckets are aligned to multiples of the step since 1970-01-01T00:00:00Z.' }) t!: Date;
  @Field(() => Float) count!: number;
  @Field(() => Float, { nullable: true }) sum!: number | null;
  @Field(() => Float, { nullable: true }) min!: number | null;
  @Field(() => Float, { nullable: true }) max!: number | null;
  @Field(() => Float, { nullable: true }) avg!: number | null;
  @Field(() => Float, { nullable: true }) p50!: number | null;
  @Field(() => Float, { nullable: true }) p95!: number | null;
  @Field(() => Float, { nullable: true }) p99!: number | null;
  @Field(() => Float, { nullable: true }) value!: number | null;
}

@ObjectType({ description: 'The points of one group: group holds the groupBy attributes\' values ({} without groupBy).' })
export class Series {
  @Field(() => GraphQLJSON) group!: Record<string, string | null>;
  @Field(() => [SeriesPoint]) points!: SeriesPoint[];
}
