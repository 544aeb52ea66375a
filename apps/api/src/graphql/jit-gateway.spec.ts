import 'reflect-metadata';
import { buildSchema, execute, GraphQLError, parse, type GraphQLSchema } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildApiSchema } from './build-api-schema';
import { jitExecutor, jitGateway, PLAIN_DATA_TYPES } from './jit-gateway';

type Executor = ReturnType<typeof jitExecutor>;
type ExecutorRequest = Parameters<Executor>[0];

/** The parts of Apollo's request context the executor reads. */
const requestFor = (schema: GraphQLSchema, query: string, variables: Record<string, unknown> = {}, context: unknown = {}): ExecutorRequest => {
  const document = parse(query);
  const operation = document.definitions[0];
  if (operation?.kind !== 'OperationDefinition') throw new Error('test query has no operation');
  return { schema, document, operation, operationName: null, request: { query, variables }, context } as unknown as ExecutorRequest;
};

class Refused extends Error {
  readonly extensions = { code: 'FORBIDDEN' };
}

const schema = buildSchema(`
  type Point { t: String! count: Float! p95: Float }
  type Query { points(n: Int!): [Point!]! refused: String plain: String failing: [Point!]! }
`);
const fields = schema.getQueryType()!.getFields();
fields['points']!.resolve = (_root, args: { n: number }) => Array.from({ length: args.n }, (_, i) => ({ t: `t${i}`, count: i, p95: i % 2 ? null : i * 1.5 }));
fields['refused']!.resolve = () => {
  throw new Refused('not for you');
};
fields['plain']!.resolve = () => {
  throw new Error('a plain error');
};
fields['failing']!.resolve = async () => {
  throw new Error('an async failure');
};

describe('jitExecutor', () => {
  const executor = jitExecutor(schema);

  // A document's first run goes through graphql-js, later ones through the compiled query: both are checked.
  const thrice = async (request: ExecutorRequest) => [await executor(request), await executor(request), await executor(request)];

  it('answers what graphql-js answers, on the first run of a document and compiled on the next ones', async () => {
    const request = requestFor(schema, 'query($n: Int!) { points(n: $n) { t count p95 } }', { n: 5 });
    const expected = await execute({ schema, document: request.document, variableValues: { n: 5 } });
    expect(await thrice(request)).toEqual([expected, expected, expected]);
  });

  it.each([
    ['a resolver error with extensions', '{ refused }', 'not for you', { code: 'FORBIDDEN' }],
    ['a resolver error without extensions', '{ plain }', 'a plain error', {}],
    ['an async resolver error', '{ failing { t } }', 'an async failure', {}],
  ])('gives %s as graphql-js does: a GraphQLError with path, locations, extensions and the original', async (_name, query, message, extensions) => {
    const request = requestFor(schema, query);
    const expected = await execute({ schema, document: request.document });
    for (const result of await thrice(request)) {
      const [error] = result.errors ?? [];
      expect(error).toBeInstanceOf(GraphQLError);
      expect(error?.message).toBe(message);
      expect(error?.extensions).toEqual(extensions);
      expect(error?.originalError?.message).toBe(message);
      expect(error?.toJSON()).toEqual(expected.errors?.[0]?.toJSON());
      expect(result.data).toEqual(expected.data);
    }
  });

  it('refuses variables of the wrong type without data, as graphql-js does', async () => {
    for (const result of await thrice(requestFor(schema, 'query($n: Int!) { points(n: $n) { t } }', { n: 'five' }))) {
      expect(result.data).toBeUndefined();
      expect(result.errors?.map((error) => error.message)).toEqual([expect.stringContaining('$n')]);
    }
  });
});

describe('jitGateway', () => {
  let apiSchema: GraphQLSchema;
  beforeAll(async () => {
    apiSchema = await buildApiSchema();
  });

  it('serves the schema it is given and reads the plain data types by property, with no per-field resolver', async () => {
    const loaded: GraphQLSchema[] = [];
    const gateway = jitGateway(() => apiSchema);
    gateway.onSchemaLoadOrUpdate(({ apiSchema: served }) => loaded.push(served));
    const { executor } = await gateway.load({ apollo: {} });
    expect(executor).toBeTypeOf('function');
    expect(loaded).toEqual([apiSchema]);
    for (const name of PLAIN_DATA_TYPES) {
      const type = apiSchema.getType(name) as { getFields: () => Record<string, { resolve?: unknown }> };
      expect(Object.values(type.getFields()).map((field) => field.resolve)).toEqual(Object.values(type.getFields()).map(() => undefined));
    }
  });

  it('refuses to start before the schema exists', async () => {
    await expect(jitGateway(() => undefined).load({ apollo: {} })).rejects.toThrow(/before NestJS built the schema/);
  });
});
