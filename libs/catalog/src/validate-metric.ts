import {
  ATTRIBUTE_KEY_PATTERN,
  FORBIDDEN_ATTRIBUTE_KEYS,
  METRIC_NAME_PATTERN,
  METRIC_TYPES,
  type EventLimits,
  type MetricDefinition,
  type MetricType,
} from '@telemetry/contracts';
import { FormulaError, parseFormula, type Formula } from '@telemetry/formula';
import type { CatalogIssue } from './catalog-issue';
import { DAY_MS, addUtcMonths, formatCalendarDate, parseCalendarDate, startOfUtcDay } from './expiry';
import { NESTED, type RawField, type RawMetricEntry, type RawValue } from './raw-entry';

export interface ValidationOptions {
  /** The moment of validation: the horizon for `expires` counts from this day. */
  readonly nowMs: number;
  readonly maxExpiryMonths: number;
  readonly limits: EventLimits;
}

/** Machine telemetry (the services' own figures, `telemetry.self.*`) needs no one's consent. */
export const PURPOSE_NONE = 'none';
export const EXPIRES_NEVER = 'never';

/** What every measured metric must state, so nothing is collected without a reason and an owner. */
export const REQUIRED_MEASURED_FIELDS = ['type', 'unit', 'description', 'owner', 'hypothesis', 'action', 'purpose', 'expires'] as const;
const REQUIRED_DERIVED_FIELDS = ['type', 'formula'] as const;
/** Derived metrics receive no events, so consent, attributes and budgets mean nothing for them. */
const MEASURED_ONLY_FIELDS = ['purpose', 'attributes', 'budget'] as const;
const KNOWN_FIELDS: ReadonlySet<string> = new Set([
  'type', 'unit', 'description', 'owner', 'hypothesis', 'action', 'purpose', 'expires', 'attributes', 'formula',
  'alert', 'budget', 'retentionDays', 'highResolution', 'webhook',
]);
const MAX_TEXT_LENGTH = 2_000;
const MAX_SHORT_TEXT_LENGTH = 64;
const purposePattern = /^[a-z][a-z0-9_]*$/;
const metricNamePattern = new RegExp(METRIC_NAME_PATTERN);
const attributeKeyPattern = new RegExp(ATTRIBUTE_KEY_PATTERN);

export interface ValidatedMetric {
  readonly definition: MetricDefinition;
  readonly formula: Formula | null;
  /** First instant at which the metric is expired; null for "never" (or a derived metric without expiry). */
  readonly expiresAtMs: number | null;
  readonly entry: RawMetricEntry;
}

export interface MetricValidation {
  readonly metric: ValidatedMetric | null;
  readonly issues: CatalogIssue[];
  readonly warnings: CatalogIssue[];
}

const describeValue = (value: RawValue): string => {
  if (value === NESTED) return 'a nested collection';
  if (value === null) return 'empty';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Map) return 'a mapping';
  return `${typeof value} ${JSON.stringify(value).slice(0, 60)}`;
};

/** Collects issues for one metric, each with the metric, the field and the line. */
class MetricChecker {
  readonly issues: CatalogIssue[] = [];
  readonly warnings: CatalogIssue[] = [];

  constructor(readonly entry: RawMetricEntry) {}

  fail(field: string | null, message: string, line: number | null = this.lineOf(field)): undefined {
    this.issues.push({ metric: this.entry.name, field, line, message });
    return undefined;
  }

  warn(field: string | null, message: string): void {
    this.warnings.push({ metric: this.entry.name, field, line: this.lineOf(field), message });
  }

  lineOf(field: string | null): number | null {
    return (field === null ? undefined : this.entry.fields.get(field)?.line) ?? this.entry.line;
  }

  field(name: string): RawField | undefined {
    return this.entry.fields.get(name);
  }

  text(name: string, maxLength = MAX_TEXT_LENGTH): string | undefined {
    const field = this.field(name);
    if (field === undefined) return undefined;
    if (typeof field.value !== 'string' || field.value.trim() === '') {
      return this.fail(name, `must be a non-empty string, got ${describeValue(field.value)}`);
    }
    if (field.value.length > maxLength) return this.fail(name, `must be at most ${maxLength} characters`);
    return field.value.trim();
  }

  positiveInteger(name: string, value: RawValue, field = name): number | undefined {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      return this.fail(field, `${name} must be a whole number ≥ 1, got ${describeValue(value)}`);
    }
    return value;
  }

  mapping(name: string, allowedKeys: readonly string[]): Map<string, RawValue> | undefined {
    const field = this.field(name);
    if (field === undefined) return undefined;
    if (!(field.value instanceof Map)) return this.fail(name, `must be a mapping such as { ${allowedKeys[0]}: … }, got ${describeValue(field.value)}`);
    const unknown = [...field.value.keys()].filter((key) => !allowedKeys.includes(key));
    if (unknown.length > 0) {
      return this.fail(name, `unknown key${unknown.length === 1 ? '' : 's'} ${unknown.map((key) => JSON.stringify(key.slice(0, 40))).join(', ')}; allowed: ${allowedKeys.join(', ')}`);
    }
    return field.value;
  }
}

const checkName = (checker: MetricChecker, limits: EventLimits): boolean => {
  const name = checker.entry.name;
  const reserved = name.split('.').find((segment) => FORBIDDEN_ATTRIBUTE_KEYS.has(segment));
  if (reserved !== undefined) return checker.fail(null, `reserved name segment ${JSON.stringify(reserved)}`) ?? false;
  if (name.length > limits.maxMetricNameLength) {
    return checker.fail(null, `metric name must be at most ${limits.maxMetricNameLength} characters`) ?? false;
  }
  if (!metricNamePattern.test(name)) {
    return checker.fail(null, 'metric name must be dotted lowercase identifiers, e.g. checkout.latency') ?? false;
  }
  return true;
};

const checkType = (checker: MetricChecker): MetricType | undefined => {
  const field = checker.field('type');
  if (field === undefined) return undefined;
  const value = field.value;
  if (typeof value !== 'string' || !(METRIC_TYPES as readonly string[]).includes(value)) {
    return checker.fail('type', `must be one of ${METRIC_TYPES.join(', ')}, got ${describeValue(value)}`);
  }
  return value as MetricType;
};

const checkAttributes = (checker: MetricChecker, limits: EventLimits): string[] => {
  const field = checker.field('attributes');
  if (field === undefined || field.value === null) return [];
  if (!Array.isArray(field.value)) {
    checker.fail('attributes', `must be a list of attribute names, e.g. [region, app_version], got ${describeValue(field.value)}`);
    return [];
  }
  if (field.value.length > limits.maxAttributes) {
    checker.fail('attributes', `at most ${limits.maxAttributes} attributes are allowed, got ${field.value.length}`);
  }
  const seen = new Set<string>();
  field.value.forEach((item, index) => {
    const line = field.itemLines?.[index] ?? field.line;
    const where = `attributes[${index}]`;
    if (typeof item !== 'string') {
      checker.fail('attributes', `${where} must be an attribute name, got ${describeValue(item)}`, line);
    } else if (FORBIDDEN_ATTRIBUTE_KEYS.has(item)) {
      checker.fail('attributes', `${where} ${JSON.stringify(item)} is a reserved name`, line);
    } else if (item.length > limits.maxAttributeKeyLength || !attributeKeyPattern.test(item)) {
      checker.fail('attributes', `${where} ${JSON.stringify(item.slice(0, 80))} is not a valid attribute key (${ATTRIBUTE_KEY_PATTERN}, at most ${limits.maxAttributeKeyLength} characters)`, line);
    } else if (seen.has(item)) {
      checker.fail('attributes', `${where} ${JSON.stringify(item)} is listed twice`, line);
    } else {
      seen.add(item);
    }
  });
  return [...seen];
};

/** Returns the expiry instant (ms), null for never, undefined when invalid or absent. */
const checkExpires = (checker: MetricChecker, purpose: string | undefined, options: ValidationOptions): number | null | undefined => {
  const field = checker.field('expires');
  if (field === undefined) return undefined;
  if (field.value === EXPIRES_NEVER) {
    if (purpose !== undefined && purpose !== PURPOSE_NONE) {
      return checker.fail('expires', `"never" is allowed only with purpose none (machine telemetry); purpose is ${purpose}`);
    }
    return null;
  }
  const day = typeof field.value === 'string' ? parseCalendarDate(field.value) : null;
  if (day === null) return checker.fail('expires', `must be a date YYYY-MM-DD or "never", got ${describeValue(field.value)}`);
  const latest = addUtcMonths(startOfUtcDay(options.nowMs), options.maxExpiryMonths);
  if (day > latest) {
    return checker.fail(
      'expires',
      `${formatCalendarDate(day)} is more than ${options.maxExpiryMonths} months ahead; the latest allowed today is ${formatCalendarDate(latest)}`,
    );
  }
  const expiresAtMs = day + DAY_MS;
  if (expiresAtMs <= options.nowMs) checker.warn('expires', `expired on ${formatCalendarDate(day)}: its events are rejected as "expired"`);
  return expiresAtMs;
};

const ALERT_KEYS = ['above', 'below', 'dropPercent', 'dropFrom'] as const;

const checkAlert = (checker: MetricChecker): MetricDefinition['alert'] | undefined => {
  const alert = checker.mapping('alert', ALERT_KEYS);
  if (alert === undefined) return undefined;
  const rule: NonNullable<MetricDefinition['alert']> = {};
  for (const key of ALERT_KEYS) {
    const value = alert.get(key);
    if (value === undefined) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      checker.fail('alert', `${key} must be a finite number, got ${describeValue(value)}`);
      continue;
    }
    rule[key] = value;
  }
  if (alert.size === 0) return checker.fail('alert', 'must name above, below and/or dropPercent');
  if (rule.above !== undefined && rule.below !== undefined && rule.below >= rule.above) {
    return checker.fail('alert', `below (${rule.below}) must be less than above (${rule.above}), or every value would alert`);
  }
  if (rule.dropPercent !== undefined && !(rule.dropPercent > 0 && rule.dropPercent <= 100)) {
    return checker.fail('alert', `dropPercent must be more than 0 and at most 100, got ${rule.dropPercent}`);
  }
  if (rule.dropFrom !== undefined) {
    if (rule.dropPercent === undefined) return checker.fail('alert', 'dropFrom needs dropPercent (it bounds which series a drop is judged for)');
    if (rule.dropFrom < 0) return checker.fail('alert', `dropFrom must be at least 0, got ${rule.dropFrom}`);
  }
  return rule;
};

const checkBudget = (checker: MetricChecker): MetricDefinition['budget'] | undefined => {
  const budget = checker.mapping('budget', ['eventsPerDay']);
  if (budget === undefined) return undefined;
  const eventsPerDay = budget.get('eventsPerDay');
  if (eventsPerDay === undefined) return checker.fail('budget', 'must name eventsPerDay');
  const value = checker.positiveInteger('eventsPerDay', eventsPerDay, 'budget');
  return value === undefined ? undefined : { eventsPerDay: value };
};

const checkWebhook = (checker: MetricChecker): string | undefined => {
  const text = checker.text('webhook');
  if (text === undefined) return undefined;
  const url = URL.canParse(text) ? new URL(text) : null;
  if (url === null || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    return checker.fail('webhook', 'must be an http(s) URL');
  }
  return text;
};

const checkFormula = (checker: MetricChecker): Formula | undefined => {
  const field = checker.field('formula');
  if (field === undefined) return undefined;
  if (typeof field.value !== 'string') return checker.fail('formula', `must be a string, got ${describeValue(field.value)}`);
  try {
    return parseFormula(field.value);
  } catch (error) {
    // Translated, not swallowed: the parser's message (with its column) becomes the catalog issue.
    if (error instanceof FormulaError) return checker.fail('formula', error.message);
    throw error;
  }
};

/** Optional fields stay absent rather than undefined, so definitions serialise and compare cleanly. */
const assignDefined = <T extends object>(target: T, fields: Partial<T>): void => {
  for (const key of Object.keys(fields) as (keyof T)[]) {
    const value = fields[key];
    if (value !== undefined) target[key] = value as T[keyof T];
  }
};

/**
 * Checks one metric on its own (cross-metric rules, formula references and cycles, are the
 * catalog's). Every problem is reported, not only the first, so one run fixes a whole file.
 */
export const validateMetric = (entry: RawMetricEntry, options: ValidationOptions): MetricValidation => {
  const checker = new MetricChecker(entry);
  const nameOk = checkName(checker, options.limits);
  for (const key of entry.fields.keys()) {
    if (!KNOWN_FIELDS.has(key)) {
      checker.fail(key, `unknown field; known fields: ${[...KNOWN_FIELDS].join(', ')}`);
    }
  }
  const type = checkType(checker);
  const derived = type === 'derived';
  const required = derived ? REQUIRED_DERIVED_FIELDS : REQUIRED_MEASURED_FIELDS;
  for (const key of required) {
    if (!entry.fields.has(key)) {
      const why = derived ? 'derived metrics carry a formula' : `measured metrics name ${REQUIRED_MEASURED_FIELDS.join(', ')}`;
      checker.fail(key, `is required (${why})`, entry.line);
    }
  }
  if (derived) {
    for (const key of MEASURED_ONLY_FIELDS) {
      if (entry.fields.has(key)) checker.fail(key, 'applies only to measured metrics: a derived metric receives no events');
    }
  } else if (entry.fields.has('formula') && type !== undefined) {
    checker.fail('formula', 'only derived metrics (type: derived) carry a formula');
  }

  const purposeText = checker.text('purpose', MAX_SHORT_TEXT_LENGTH);
  const purpose = purposeText !== undefined && !purposePattern.test(purposeText)
    ? checker.fail('purpose', `must be a lowercase identifier such as performance, analytics or none, got ${JSON.stringify(purposeText)}`)
    : purposeText;
  const definition: MetricDefinition = {
    name: entry.name,
    type: type ?? 'gauge',
    description: checker.text('description') ?? '',
    attributes: checkAttributes(checker, options.limits),
  };
  assignDefined(definition, {
    unit: checker.text('unit', MAX_SHORT_TEXT_LENGTH),
    owner: checker.text('owner'),
    hypothesis: checker.text('hypothesis'),
    action: checker.text('action'),
    purpose,
    alert: checkAlert(checker),
    budget: checkBudget(checker),
    webhook: checkWebhook(checker),
  });
  const expiresAtMs = checkExpires(checker, purpose, options);
  const expires = checker.field('expires')?.value;
  if (expiresAtMs !== undefined && typeof expires === 'string') definition.expires = expires;
  const retention = checker.field('retentionDays');
  if (retention !== undefined) {
    const days = checker.positiveInteger('retentionDays', retention.value);
    if (days !== undefined) definition.retentionDays = days;
  }
  const highResolution = checker.field('highResolution');
  if (highResolution !== undefined) {
    if (typeof highResolution.value === 'boolean') definition.highResolution = highResolution.value;
    else checker.fail('highResolution', `must be true or false, got ${describeValue(highResolution.value)}`);
  }
  const formula = derived ? checkFormula(checker) : undefined;
  if (formula !== undefined) definition.formula = formula.source.trim();

  const valid = nameOk && checker.issues.length === 0;
  return {
    metric: valid ? { definition, formula: formula ?? null, expiresAtMs: expiresAtMs ?? null, entry } : null,
    issues: checker.issues,
    warnings: checker.warnings,
  };
};
