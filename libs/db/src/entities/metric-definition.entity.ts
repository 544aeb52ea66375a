import type { MetricDefinition } from '@telemetry/contracts';
import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'metric_definitions' })
export class MetricDefinitionEntity {
  @PrimaryColumn('text') name!: string;
  @Column('jsonb') definition!: MetricDefinition;
  @Column('integer') version!: number;
  @Column('timestamptz', { name: 'updated_at' }) updatedAt!: Date;
  @Column('timestamptz', { name: 'retired_at', nullable: true }) retiredAt!: Date | null;
}
