import { BREAK, visit, type DocumentNode } from 'graphql';

const NUL = '\u0000';

/** True when a variable's value (any JSON) holds a string with NUL; iterative, so a deeply nested value cannot exhaust the stack. */
const hasNulString = (value: unknown): boolean => {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (typeof item === 'string') {
      if (item.includes(NUL)) return true;
    } else if (Array.isArray(item)) {
      for (const element of item) pending.push(element);
    } else if (typeof item === 'object' && item !== null) {
      for (const [key, nested] of Object.entries(item)) {
        if (key.includes(NUL)) return true;
        pending.push(nested);
      }
    }
  }
  return false;
};

/**
 * Where an operation passes a string containing NUL (U+0000), or undefined. PostgreSQL text cannot
 * hold that character: an argument carrying it would fail in the database as an internal error
 * instead of being refused as bad input.
 */
export const findNulCharacter = (document: DocumentNode, variables: Record<string, unknown> | undefined): string | undefined => {
  let found: string | undefined;
  visit(document, {
    StringValue(node) {
      if (!node.value.includes(NUL)) return undefined;
      found = 'a string literal';
      return BREAK;
    },
  });
  if (found) return found;
  const variable = Object.entries(variables ?? {}).find(([, value]) => hasNulString(value));
  return variable ? `variable $${variable[0]}` : undefined;
};
