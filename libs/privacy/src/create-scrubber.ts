import type { Attributes } from '@telemetry/contracts';
import { DEFAULT_SCRUB_RULES, mayHoldBuiltInPii, SCRUB_RULE_NAMES, type ScrubFeatures, type ScrubRule, type ScrubRuleName } from './scrub-rules';

export interface Scrubber {
  /** Rule names, in the order they run; `hits[i]` counts matches of `ruleNames[i]`. */
  readonly ruleNames: readonly string[];
  /** The value with every match redacted (or truncated, for IP addresses). */
  scrubValue: (value: string, hits: number[]) => string;
  /** The attributes with string values scrubbed; the same object when nothing matched. */
  scrubAttributes: (attributes: Attributes, hits: number[]) => Attributes;
}

/** The shortest value a built-in rule changes: an IPv6 address such as "::1". */
const MIN_SCRUBBED_LENGTH = 3;

const featuresOf = (value: string): ScrubFeatures => {
  let digits = 0;
  let at = false;
  let colons = 0;
  let dots = 0;
  let blank = false;
  let plus = false;
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code >= 48) {
      if (code <= 57) digits += 1;
      else if (code === 58) colons += 1;
      else if (code === 64) at = true;
    } else if (code === 46) dots += 1;
    else if (code === 32 || code === 9) blank = true;
    else if (code === 43) plus = true;
  }
  return { digits, at, colons, dots, blank, plus };
};

/** Parses "email,ipv4,phone" (config) into rule names; unknown names are an error naming them. */
export const parseScrubRuleNames = (text: string): ScrubRuleName[] => {
  const names = text.split(',').map((name) => name.trim()).filter(Boolean);
  const unknown = names.filter((name) => !(SCRUB_RULE_NAMES as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`unknown scrub rule(s): ${unknown.join(', ')} (known: ${SCRUB_RULE_NAMES.join(', ')})`);
  return names as ScrubRuleName[];
};

/**
 * Builds a scrubber from rules: the built-in ones by name (all by default, in their safe order:
 * tokens before e-mails, card numbers before phone numbers, IPv6 before IPv4) followed by any
 * custom rules. Redactions ("[email]", "[card]", ...) contain no digits, '@' or ':', so a later rule
 * never re-matches them; a truncated IP address keeps (and adds) digits, dots and colons.
 */
export const createScrubber = (
  options: { rules?: readonly ScrubRuleName[]; customRules?: readonly ScrubRule[] } = {},
): Scrubber => {
  const selected = new Set(options.rules ?? SCRUB_RULE_NAMES);
  const rules: ScrubRule[] = [
    ...SCRUB_RULE_NAMES.filter((name) => selected.has(name)).map((name) => DEFAULT_SCRUB_RULES[name]),
    ...(options.customRules ?? []),
  ];
  const customRules = options.customRules?.length ?? 0;
  for (const rule of rules) {
    if (!rule.pattern.global) throw new Error(`scrub rule ${rule.name}: pattern must be global (g flag)`);
  }

  const scrubValue = (value: string, hits: number[]): string => {
    if (customRules === 0 && value.length < MIN_SCRUBBED_LENGTH) return value;
    let features = featuresOf(value);
    if (customRules === 0 && !mayHoldBuiltInPii(value, features)) return value;
    let result = value;
    for (let index = 0; index < rules.length; index += 1) {
      const rule = rules[index] as ScrubRule;
      if (!rule.applies(result, features)) continue;
      const before = result;
      result = result.replace(rule.pattern, (match) => {
        const replacement = rule.replace(match);
        if (replacement !== match) hits[index] = (hits[index] ?? 0) + 1;
        return replacement;
      });
      // A replacement may add what later rules look for (an IPv4 address ends in "0/24" after truncation),
      // so their pre-checks see the value as it is now. Only values that held PII pay for a second pass.
      if (result !== before) features = featuresOf(result);
    }
    return result;
  };

  const scrubAttributes = (attributes: Attributes, hits: number[]): Attributes => {
    let scrubbed: Attributes | undefined;
    for (const key in attributes) {
      const value = attributes[key];
      if (typeof value !== 'string') continue;
      const clean = scrubValue(value, hits);
      if (clean === value) continue;
      scrubbed ??= { ...attributes };
      scrubbed[key] = clean;
    }
    return scrubbed ?? attributes;
  };

  return { ruleNames: rules.map((rule) => rule.name), scrubValue, scrubAttributes };
};
