import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { ValueError } from '@sinclair/typebox/errors';
import { formatJsonPointer } from '@telemetry/contracts';
import type { OtlpMetricsRequest } from './otlp-metrics-request';

/**
 * The parts of an OTLP/JSON ExportMetricsServiceRequest that ingest reads, as a schema: protobuf
 * decoding guarantees every field's type, JSON.parse guarantees nothing, and the mapping must never
 * meet a null where it expects a data point or a number where it expects a name.
 */

/** Arrays and maps inside attribute values nest at most this deep (OTel SDKs send one or two levels). */
export const MAX_ANY_VALUE_DEPTH = 6;

const optional = <T extends TSchema>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));
/** ProtoJSON writes int64 as a string (or a number), doubles as numbers or "NaN"/"Infinity". */
const int64 = Type.Union([Type.Number(), Type.String({ maxLength: 32 })]);
const double = Type.Union([Type.Number(), Type.String({ maxLength: 32 })]);

/** AnyValue to a fixed depth, unrolled: a recursive schema would recurse as deep as a hostile body nests. */
const anyValue = (depth: number): TSchema =>
  Type.Object({
    stringValue: optional(Type.String()),
    boolValue: optional(Type.Boolean()),
    intValue: optional(int64),
    doubleValue: optional(double),
    bytesValue: optional(Type.String()),
    arrayValue: depth > 0 ? optional(Type.Object({ values: optional(Type.Array(anyValue(depth - 1))) })) : Type.Optional(Type.Null()),
    kvlistValue: depth > 0 ? optional(Type.Object({ values: optional(Type.Array(keyValue(depth - 1))) })) : Type.Optional(Type.Null()),
  });

const keyValue = (depth: number): TSchema => Type.Object({ key: optional(Type.String()), value: optional(anyValue(depth)) });

const attributes = optional(Type.Array(keyValue(MAX_ANY_VALUE_DEPTH)));
const pointBase = { attributes, timeUnixNano: optional(int64) };
const numberPoint = Type.Object({ ...pointBase, asDouble: optional(double), asInt: optional(int64) });
const histogramPoint = Type.Object({
  ...pointBase,
  count: optional(int64),
  sum: optional(double),
  bucketCounts: optional(Type.Array(int64)),
  explicitBounds: optional(Type.Array(double)),
});
const points = <T extends TSchema>(point: T) => optional(Type.Object({ dataPoints: optional(Type.Array(point)) }));

const otlpJsonRequest = Type.Object({
  resourceMetrics: optional(
    Type.Array(
      Type.Object({
        resource: optional(Type.Object({ attributes })),
        scopeMetrics: optional(
          Type.Array(
            Type.Object({
              metrics: optional(
                Type.Array(
                  Type.Object({
                    name: optional(Type.String()),
                    gauge: points(numberPoint),
                    sum: points(numberPoint),
                    histogram: points(histogramPoint),
                    exponentialHistogram: points(histogramPoint),
                    summary: points(histogramPoint),
                  }),
                ),
              ),
            }),
          ),
        ),
      }),
    ),
  ),
});

const check = TypeCompiler.Compile(otlpJsonRequest);

/**
 * A union (`x | null` here) reports only itself; the first error of the variant that is not null
 * says where inside the value it went wrong. Bounded by the schema's depth, not the input's.
 */
const innermost = (error: ValueError): ValueError => {
  const variants = (error.schema['anyOf'] as TSchema[] | undefined) ?? [];
  const index = variants.findIndex((variant) => variant['type'] !== 'null');
  const first = index >= 0 ? error.errors[index]?.First() : undefined;
  return first ? innermost(first) : error;
};

/** The request, typed, or the reason it is not an OTLP/JSON metrics export (first problem, with its path). */
export const checkOtlpJson = (parsed: unknown): { ok: true; request: OtlpMetricsRequest } | { ok: false; reason: string } => {
  if (check.Check(parsed)) return { ok: true, request: parsed as OtlpMetricsRequest };
  const outer = check.Errors(parsed).First();
  const first = outer ? innermost(outer) : undefined;
  if (!first) return { ok: false, reason: 'body: not an OTLP/JSON ExportMetricsServiceRequest' };
  const path = formatJsonPointer(first.path) || 'body';
  // Past the unrolled depth the schema only admits null: say why rather than "expected null".
  const tooDeep = first.schema['type'] === 'null' && /(arrayValue|kvlistValue)$/.test(first.path);
  return { ok: false, reason: `${path}: ${tooDeep ? `attribute values nest at most ${MAX_ANY_VALUE_DEPTH} levels` : first.message.toLowerCase()}` };
};
