import { Inject, Injectable } from '@nestjs/common';
import type { CatalogAdminDeps } from '@telemetry/admin';
import type { BatchProducer, TopicNames } from '@telemetry/kafka';
import type { Pool } from 'pg';
import { PG_POOL, PRODUCER, TOPICS } from '../core/api-deps';

/** What libs/admin's catalog operations need, assembled once. */
@Injectable()
export class CatalogAdmin {
  readonly deps: CatalogAdminDeps;

  constructor(@Inject(PG_POOL) pool: Pool, @Inject(PRODUCER) producer: BatchProducer, @Inject(TOPICS) topics: TopicNames) {
    this.deps = { pool, producer, catalogTopic: topics.catalog };
  }
}
