import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { ApiError } from '../errors/api-error';
import type { GraphqlContext } from './graphql-context';

/**
 * One rule for every resolver: a caller must be authenticated, and only admins may run mutations.
 * Queries and subscriptions are open to viewers. Applied globally, so no resolver can forget it.
 */
@Injectable()
export class RolesGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType<'graphql' | 'http'>() !== 'graphql') return true;
    const gql = GqlExecutionContext.create(context);
    const { principal } = gql.getContext<GraphqlContext>();
    if (principal === null) throw new ApiError('UNAUTHENTICATED', 'a valid bearer token is required (Authorization: Bearer <token>)');
    const info = gql.getInfo<GraphQLResolveInfo>();
    if (info.operation.operation === 'mutation' && principal.role !== 'admin') {
      throw new ApiError('FORBIDDEN', `${info.fieldName} needs the admin role; this token is a viewer`);
    }
    return true;
  }
}
