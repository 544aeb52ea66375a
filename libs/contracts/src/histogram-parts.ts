import type { MetricDefinition } from './metric-definition';

/**
 * An OTLP histogram point arrives as events of three metrics (ARCHITECTURE.md): `<name>.count`,
 * `<name>.sum` and `<name>.bucket` (one per bucket: the cumulative count, attribute `le` = the
 * bucket's upper bound or "+Inf"). Declaring `<name>` as a histogram declares the three parts.
 */
export const HISTOGRAM_PARTS = ['count', 'sum', 'bucket'] as const;
export type HistogramPart = (typeof HISTOGRAM_PARTS)[number];
/** The bucket events' upper-bound attribute, as Prometheus and OpenTelemetry name it. */
export const HISTOGRAM_BUCKET_BOUND_ATTRIBUTE = 'le';

export const histogramPartName = (histogram: string, part: HistogramPart): string => `${histogram}.${part}`;

const partOf = (name: string): { histogram: string; part: HistogramPart } | undefined => {
  const dot = name.lastIndexOf('.');
  const part = name.slice(dot + 1);
  if (dot <= 0 || !(HISTOGRAM_PARTS as readonly string[]).includes(part)) return undefined;
  return { histogram: name.slice(0, dot), part: part as HistogramPart };
};

/**
 * A part's definition, derived from its histogram's: the histogram's owner, purpose, lifetime,
 * budget and retention, its attributes (plus `le` for buckets), counted values (unit "1", except
 * `sum` in the histogram's unit), and no alert rules (those are about the histogram's values, not
 * its counts).
 */
const partDefinition = (histogram: MetricDefinition, part: HistogramPart): MetricDefinition => {
  const { alert: _alert, formula: _formula, ...inherited } = histogram;
  return {
    ...inherited,
    name: histogramPartName(histogram.name, part),
    type: 'counter',
    unit: part === 'sum' ? histogram.unit : '1',
    description: `${histogram.description} (OTLP histogram ${part} of ${histogram.name})`,
    attributes:
      part === 'bucket'
        ? [...histogram.attributes.filter((key) => key !== HISTOGRAM_BUCKET_BOUND_ATTRIBUTE), HISTOGRAM_BUCKET_BOUND_ATTRIBUTE]
        : histogram.attributes,
  };
};

/**
 * Looks up the parts of declared histograms: for `<name>.count|sum|bucket` not declared itself,
 * the definition derived from `<name>` when that is a histogram. The same object is returned while
 * the histogram's definition object is the same, so per-definition state built by callers (the
 * privacy filter's lookup) is built once.
 */
export const createHistogramPartLookup = (
  declared: (name: string) => MetricDefinition | undefined,
): ((name: string) => MetricDefinition | undefined) => {
  const partsByHistogram = new WeakMap<MetricDefinition, Map<HistogramPart, MetricDefinition>>();
  return (name) => {
    const found = partOf(name);
    if (!found) return undefined;
    const histogram = declared(found.histogram);
    if (histogram?.type !== 'histogram') return undefined;
    let parts = partsByHistogram.get(histogram);
    if (!parts) {
      parts = new Map();
      partsByHistogram.set(histogram, parts);
    }
    let definition = parts.get(found.part);
    if (!definition) {
      definition = partDefinition(histogram, found.part);
      parts.set(found.part, definition);
    }
    return definition;
  };
};

/** The definitions with every declared histogram's parts added (a part declared itself is kept as declared). */
export const withHistogramParts = (definitions: readonly MetricDefinition[]): MetricDefinition[] => {
  const byName = new Map(definitions.map((definition) => [definition.name, definition]));
  const partOfHistogram = createHistogramPartLookup((name) => byName.get(name));
  const parts = definitions
    .filter((definition) => definition.type === 'histogram')
    .flatMap((histogram) => HISTOGRAM_PARTS.map((part) => histogramPartName(histogram.name, part)))
    .filter((name) => !byName.has(name))
    .map((name) => partOfHistogram(name))
    .filter((definition): definition is MetricDefinition => definition !== undefined);
  return [...definitions, ...parts];
};
