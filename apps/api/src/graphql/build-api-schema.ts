import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { API_RESOLVERS } from './api-resolvers';

/**
 * The API's schema from the code-first decorators alone (no database, no broker), sorted as the
 * running server sorts it (sortSchema): what apps/api/schema.graphql must contain.
 */
export const buildApiSchema = async (): Promise<GraphQLSchema> => {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    return lexicographicSortSchema(await app.get(GraphQLSchemaFactory).create(API_RESOLVERS));
  } finally {
    await app.close();
  }
};

export const printApiSchema = async (): Promise<string> => `${printSchema(await buildApiSchema())}\n`;
