import { Inject, Injectable } from '@nestjs/common';
import { secretsEqual, verifyToken } from '@telemetry/admin';
import type { Pool } from 'pg';
import { Counter, type Registry } from 'prom-client';
import type { ApiConfig } from '../config';
import { API_CONFIG, METRICS_REGISTRY, PG_POOL } from '../core/api-deps';
import { BOOTSTRAP_ADMIN_ACTOR, bearerToken, type Principal } from './principal';

/** Also reported as telemetry.self.auth_failures{service=api} (api-app.ts reads it from the registry). */
export const API_AUTH_FAILURES_METRIC = 'telemetry_api_auth_failures_total';

/** Resolves a bearer token to a principal: the bootstrap admin token from the environment, or a stored (hashed) API token. */
@Injectable()
export class AuthService {
  private readonly failures: Counter;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(API_CONFIG) private readonly config: ApiConfig,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.failures = new Counter({
      name: API_AUTH_FAILURES_METRIC,
      help: 'Requests whose bearer token was malformed, unknown or revoked',
      registers: [registry],
    });
  }

  /** null when there is no header; a failure (counted) when there is one that does not identify anyone. */
  async authenticate(authorizationHeader: unknown): Promise<Principal | null> {
    if (authorizationHeader === undefined || authorizationHeader === null || authorizationHeader === '') return null;
    const token = bearerToken(authorizationHeader);
    const principal = token === undefined ? null : await this.principalFor(token);
    if (principal === null) this.failures.inc();
    return principal;
  }

  private async principalFor(token: string): Promise<Principal | null> {
    const bootstrap = this.config.TELEMETRY_ADMIN_TOKEN;
    if (bootstrap !== undefined && secretsEqual(token, bootstrap)) return { actor: BOOTSTRAP_ADMIN_ACTOR, role: 'admin' };
    const stored = await verifyToken(this.pool, token);
    return stored === null ? null : { actor: `token:${stored.id}`, role: stored.role };
  }
}
