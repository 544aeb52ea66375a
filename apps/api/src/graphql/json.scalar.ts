import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const fromLiteral = (node: ValueNode): Json => {
  switch (node.kind) {
    case Kind.STRING:
    case Kind.ENUM:
      return node.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.BOOLEAN:
      return node.value;
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return node.values.map(fromLiteral);
    case Kind.OBJECT:
      return Object.fromEntries(node.fields.map((field) => [field.name.value, fromLiteral(field.value)]));
    case Kind.VARIABLE:
      throw new TypeError('JSON literals cannot contain variables');
  }
};

/** Arbitrary JSON (Series.group: the groupBy attributes' values). Output only in this schema. */
export const GraphQLJSON = new GraphQLScalarType({
  name: 'JSON',
  description: 'A JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (node) => fromLiteral(node),
});
