import { CreateDataPoints1764000000000 } from './1764000000000-create-data-points';
import { CreateSources1764000000100 } from './1764000000100-create-sources';
import { CreateMetricDefinitions1764000000200 } from './1764000000200-create-metric-definitions';
import { CreateConsents1764000000300 } from './1764000000300-create-consents';
import { CreateErasureRequests1764000000400 } from './1764000000400-create-erasure-requests';
import { CreateAuditLog1764000000500 } from './1764000000500-create-audit-log';
import { CreateApiTokens1764000000600 } from './1764000000600-create-api-tokens';
import { CreateRollups1764000000700 } from './1764000000700-create-rollups';
import { CreatePatterns1764000000800 } from './1764000000800-create-patterns';
import { CreateReferenceData1764000000900 } from './1764000000900-create-reference-data';
import { CreateAnomaliesAndIncidents1764000001000 } from './1764000001000-create-anomalies-and-incidents';
import { CreateDetectorState1764000001100 } from './1764000001100-create-detector-state';
import { AddStreamToDetectorState1795580644553 } from './1795580644553-add-stream-to-detector-state';
import { AddRollupPublication1795580822215 } from './1795580822215-add-rollup-publication';
import { IndexErasureRequestsSubject1795590000000 } from './1795590000000-index-erasure-requests-subject';

/** Every migration, oldest first. Append new ones at the end; never edit a merged one. */
export const MIGRATIONS = [
  CreateDataPoints1764000000000,
  CreateSources1764000000100,
  CreateMetricDefinitions1764000000200,
  CreateConsents1764000000300,
  CreateErasureRequests1764000000400,
  CreateAuditLog1764000000500,
  CreateApiTokens1764000000600,
  CreateRollups1764000000700,
  CreatePatterns1764000000800,
  CreateReferenceData1764000000900,
  CreateAnomaliesAndIncidents1764000001000,
  CreateDetectorState1764000001100,
  AddStreamToDetectorState1795580644553,
  AddRollupPublication1795580822215,
  IndexErasureRequestsSubject1795590000000,
];
