import { Field, Float, InputType, Int, ObjectType } from '@nestjs/graphql';
import type { StoredMetric } from '@telemetry/admin';

@ObjectType({ description: 'Static alert rules of a metric, besides anomaly detection.' })
export class MetricAlert {
  @Field(() => Float, { nullable: true }) above?: number | null;
  @Field(() => Float, { nullable: true }) below?: number | null;
  @Field(() => Float, { nullable: true, description: 'Alert when a series falls this many percent below its own expected level.' })
  dropPercent?: number | null;
  @Field(() => Float, { nullable: true, description: 'Judge drops only for series whose expected level is at least this.' })
  dropFrom?: number | null;
}

@ObjectType({ description: 'A daily cost cap: events beyond it are dead-lettered "over_budget".' })
export class MetricBudget {
  @Field(() => Int) eventsPerDay!: number;
}

@ObjectType({ description: 'One metric of the catalog (metrics.yaml or defineMetric).' })
export class Metric {
  @Field() name!: string;
  @Field({ description: 'counter | gauge | histogram | event | derived' }) type!: string;
  @Field(() => String, { nullable: true }) unit!: string | null;
  @Field() description!: string;
  @Field(() => String, { nullable: true }) owner!: string | null;
  @Field(() => String, { nullable: true }) hypothesis!: string | null;
  @Field(() => String, { nullable: true }) action!: string | null;
  @Field(() => String, { nullable: true, description: 'Consent purpose the subject must have granted; "none" for machine telemetry.' })
  purpose!: string | null;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD or "never".' }) expires!: string | null;
  @Field(() => [String], { description: 'The attributes kept; anything else is stripped before storage.' }) attributes!: string[];
  @Field(() => String, { nullable: true }) formula!: string | null;
  @Field(() => MetricAlert, { nullable: true }) alert!: MetricAlert | null;
  @Field(() => MetricBudget, { nullable: true }) budget!: MetricBudget | null;
  @Field(() => Int, { nullable: true }) retentionDays!: number | null;
  @Field(() => Boolean, { nullable: true }) highResolution!: boolean | null;
  @Field(() => String, { nullable: true }) webhook!: string | null;
  @Field(() => Int, { description: 'Increases with every change.' }) version!: number;
  @Field() updatedAt!: Date;
  @Field(() => Date, { nullable: true, description: 'Set once retired: its events are rejected, its rollups stay readable.' })
  retiredAt!: Date | null;
}

export const toMetric = (stored: StoredMetric): Metric => {
  const d = stored.definition;
  return {
    name: d.name,
    type: d.type,
    unit: d.unit ?? null,
    description: d.description,
    owner: d.owner ?? null,
    hypothesis: d.hypothesis ?? null,
    action: d.action ?? null,
    purpose: d.purpose ?? null,
    expires: d.expires ?? null,
    attributes: d.attributes,
    formula: d.formula ?? null,
    alert: d.alert ?? null,
    budget: d.budget ?? null,
    retentionDays: d.retentionDays ?? null,
    highResolution: d.highResolution ?? null,
    webhook: d.webhook ?? null,
    version: stored.version,
    updatedAt: stored.updatedAt,
    retiredAt: stored.retiredAt,
  };
};

@InputType()
export class AlertRuleInput {
  @Field(() => Float, { nullable: true }) above?: number | null;
  @Field(() => Float, { nullable: true }) below?: number | null;
  @Field(() => Float, { nullable: true, description: 'Alert when a series falls this many percent below its own expected level.' })
  dropPercent?: number | null;
  @Field(() => Float, { nullable: true, description: 'Judge drops only for series whose expected level is at least this.' })
  dropFrom?: number | null;
}

@InputType()
export class BudgetInput {
  @Field(() => Int) eventsPerDay!: number;
}

@InputType({ description: 'A metric definition, validated by the same rules as metrics.yaml (catalog:apply).' })
export class MetricInput {
  @Field() name!: string;
  @Field() type!: string;
  @Field(() => String, { nullable: true }) unit?: string | null;
  @Field(() => String, { nullable: true }) description?: string | null;
  @Field(() => String, { nullable: true }) owner?: string | null;
  @Field(() => String, { nullable: true }) hypothesis?: string | null;
  @Field(() => String, { nullable: true }) action?: string | null;
  @Field(() => String, { nullable: true }) purpose?: string | null;
  @Field(() => String, { nullable: true }) expires?: string | null;
  @Field(() => [String], { nullable: true }) attributes?: string[] | null;
  @Field(() => String, { nullable: true }) formula?: string | null;
  @Field(() => AlertRuleInput, { nullable: true }) alert?: AlertRuleInput | null;
  @Field(() => BudgetInput, { nullable: true }) budget?: BudgetInput | null;
  @Field(() => Int, { nullable: true }) retentionDays?: number | null;
  @Field(() => Boolean, { nullable: true }) highResolution?: boolean | null;
  @Field(() => String, { nullable: true }) webhook?: string | null;
}
