import { ApiTokenEntity } from './api-token.entity';
import { AuditLogEntity } from './audit-log.entity';
import { MetricDefinitionEntity } from './metric-definition.entity';
import { SourceEntity } from './source.entity';

export { ApiTokenEntity, AuditLogEntity, MetricDefinitionEntity, SourceEntity };
export const ENTITIES = [SourceEntity, MetricDefinitionEntity, AuditLogEntity, ApiTokenEntity];
