import { NestFactory } from '@nestjs/core';
import { GraphQLSchemaBuilderModule, GraphQLSchemaFactory } from '@nestjs/graphql';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { API_RESOLVERS } from './api-resolvers';

/**
 * The API's SDL from the code-first decorators alone (no database, no broker): what
 * apps/api/schema.graphql must contain. The running server builds its schema from the same
 * resolver list, sorted the same way (sortSchema).
 */
export const printApiSchema = async (): Promise<string> => {
  const app = await NestFactory.createApplicationContext(GraphQLSchemaBuilderModule, { logger: false });
  try {
    await app.init();
    const schema = await app.get(GraphQLSchemaFactory).create(API_RESOLVERS);
    return `${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await app.close();
  }
};
