import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '../graphql/page-info.model';

@ObjectType({ description: 'A point a detector scored as anomalous (anomalies.v1).' })
export class Anomaly {
  @Field(() => ID) id!: string;
  @Field() metric!: string;
  @Field() series!: string;
  @Field() at!: Date;
  @Field(() => Float) value!: number;
  @Field(() => Float, { nullable: true }) expected!: number | null;
  @Field(() => Float, { description: 'In [0, 1].' }) score!: number;
  @Field() detector!: string;
  @Field({ description: 'info | warning | critical' }) severity!: string;
  /**
   * Resolved to `incident` through per-request DataLoaders. undefined when not known yet (an
   * anomaly straight from anomalies.v1): then the anomalies table is asked which incident it joined.
   */
  incidentId!: string | null | undefined;
}

@ObjectType()
export class AnomalyEdge {
  @Field() cursor!: string;
  @Field(() => Anomaly) node!: Anomaly;
}

@ObjectType()
export class AnomalyConnection {
  @Field(() => [AnomalyEdge]) edges!: AnomalyEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
