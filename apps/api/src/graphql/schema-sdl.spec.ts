import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { printApiSchema } from './build-api-schema';

describe('committed SDL (apps/api/schema.graphql)', () => {
  it('is exactly what the code-first resolvers generate (run npm run api:schema and commit when this fails)', async () => {
    const committed = readFileSync(resolve(__dirname, '../../schema.graphql'), 'utf8');
    expect(await printApiSchema()).toBe(committed);
  });

  it.each([
    ['type Query {'],
    ['series(from: DateTime!, groupBy: [String!], metric: String!, step: String, to: DateTime!, where: [AttributeFilter!]): [Series!]!'],
    ['anomalies(after: String, first: Int, from: DateTime, metric: String, to: DateTime): AnomalyConnection!'],
    ['incidents(after: String, first: Int, status: IncidentStatus): IncidentConnection!'],
    ['patterns(from: DateTime!, metric: String!, to: DateTime!): [Pattern!]!'],
    ['consent(subjectId: String!): Consent'],
    ['recordConsent(purposes: [PurposeGrant!]!, subjectId: String!): Consent!'],
    ['createToken(name: String!, role: Role!): CreatedToken!'],
    ['anomalyDetected(metric: String): Anomaly!'],
  ])('keeps the ARCHITECTURE.md operation %s', async (line) => {
    expect(await printApiSchema()).toContain(line);
  });
});
