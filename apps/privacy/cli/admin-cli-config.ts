import { Type, type Static } from '@sinclair/typebox';
import { databaseConfigSchema, kafkaConfigSchema, loadConfigOrExit, loggingConfigSchema, pseudonymConfigSchema } from '@telemetry/config';

/** What consent:set and erasure:request need: the database, Kafka (consent.v1) and the pseudonym key. */
export const privacyAdminCliConfigSchema = Type.Object({
  ...kafkaConfigSchema.properties,
  ...databaseConfigSchema.properties,
  ...loggingConfigSchema.properties,
  ...pseudonymConfigSchema.properties,
  TELEMETRY_ACTOR: Type.Optional(Type.String({ minLength: 1, description: 'who the audit log names for CLI changes (default cli:<USER>)' })),
  USER: Type.Optional(Type.String()),
});
export type PrivacyAdminCliConfig = Static<typeof privacyAdminCliConfigSchema>;

export const loadPrivacyAdminCliConfig = (env: Record<string, string | undefined> = process.env): PrivacyAdminCliConfig =>
  loadConfigOrExit(privacyAdminCliConfigSchema, env);

export const cliActor = (config: PrivacyAdminCliConfig): string => config.TELEMETRY_ACTOR ?? `cli:${config.USER ?? 'unknown'}`;
