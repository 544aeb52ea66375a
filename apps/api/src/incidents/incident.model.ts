import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { PageInfo } from '../graphql/page-info.model';

export enum IncidentStatus {
  OPEN = 'open',
  ACKNOWLEDGED = 'acknowledged',
  RESOLVED = 'resolved',
}
registerEnumType(IncidentStatus, { name: 'IncidentStatus' });

@ObjectType({ description: 'Consecutive anomalies of one series, grouped by the anomaly service.' })
export class Incident {
  @Field(() => ID) id!: string;
  @Field() metric!: string;
  @Field({ description: 'Canonical series key: sorted k=v pairs joined by ","; "" for none.' }) series!: string;
  @Field(() => IncidentStatus) status!: IncidentStatus;
  @Field() severity!: string;
  @Field() openedAt!: Date;
  @Field() lastAnomalyAt!: Date;
  @Field(() => Date, { nullable: true }) acknowledgedAt!: Date | null;
  @Field(() => Date, { nullable: true }) resolvedAt!: Date | null;
  @Field(() => Int) anomalyCount!: number;
  @Field(() => Float) maxScore!: number;
  @Field(() => String, { nullable: true }) summary!: string | null;
}

@ObjectType()
export class IncidentEdge {
  @Field() cursor!: string;
  @Field(() => Incident) node!: Incident;
}

@ObjectType()
export class IncidentConnection {
  @Field(() => [IncidentEdge]) edges!: IncidentEdge[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
}
