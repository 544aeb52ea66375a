import type { TelemetryEvent } from './event';

/** A surrogate without its pair: UTF-8 cannot encode it, and PostgreSQL's jsonb refuses its escape. */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** False for NUL (PostgreSQL text and jsonb cannot hold it) and for unpaired surrogates. */
export const isStorableText = (text: string): boolean => !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text);

/**
 * The first text field of a schema-valid event that PostgreSQL could not store ("id",
 * "attributes.region"…), or undefined. Refusing it at the edge gives the sender a reason; letting it
 * through would fail the processor's whole batch on every retry.
 */
export const findUnstorableText = (event: TelemetryEvent): string | undefined => {
  if (!isStorableText(event.id)) return 'id';
  if (event.subjectId !== undefined && !isStorableText(event.subjectId)) return 'subjectId';
  if (event.attributes) {
    for (const [key, value] of Object.entries(event.attributes)) if (typeof value === 'string' && !isStorableText(value)) return `attributes.${key}`;
  }
  return undefined;
};
