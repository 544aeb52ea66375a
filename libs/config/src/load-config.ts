import type { Static, TObject, TProperties } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Parses environment variables with a TypeBox schema: fills defaults, converts strings to numbers
 * and booleans, and names every bad variable. Takes the environment as a parameter so config is
 * testable without touching process.env.
 */
export const loadConfig = <T extends TObject<TProperties>>(schema: T, env: Env): Static<T> => {
  const known: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const raw = env[key];
    if (raw !== undefined && raw !== '') known[key] = raw;
  }
  const withDefaults = Value.Default(schema, known);
  const converted = Value.Convert(schema, withDefaults);
  const problems = [...Value.Errors(schema, converted)].map((error) => {
    const variable = error.path.replace(/^\//, '') || '(root)';
    const shown = (converted as Record<string, unknown>)[variable];
    return shown === undefined
      ? `${variable} is required`
      : `${variable}: ${error.message} (got ${JSON.stringify(redact(variable, shown))})`;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return converted as Static<T>;
};

const SECRET_NAME = /KEY|TOKEN|PASSWORD|SECRET/;
const redact = (name: string, value: unknown) => (SECRET_NAME.test(name) ? '<redacted>' : value);

/** For a service's main(): a bad environment stops the boot with every problem named. */
export const loadConfigOrExit = <T extends TObject<TProperties>>(schema: T, env: Env): Static<T> => {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
};
