import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

/** Rows fetched with LIMIT first + 1: the extra row only says that there is a next page. */
export const toPage = <Row, Node>(rows: readonly Row[], first: number, toNode: (row: Row) => Node, cursorOf: (row: Row) => string) => {
  const pageRows = rows.slice(0, first);
  const edges = pageRows.map((row) => ({ cursor: cursorOf(row), node: toNode(row) }));
  return { edges, pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
};
