import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { findMetric, parseCatalogOrThrow } from '@telemetry/catalog';
import { describe, expect, it } from 'vitest';
import { SELF_METRIC_DEFINITIONS } from '../src';

const examplePath = join(__dirname, '..', '..', '..', 'examples', 'metrics.yaml');

describe('SELF_METRIC_DEFINITIONS', () => {
  const catalog = parseCatalogOrThrow(readFileSync(examplePath, 'utf8'), { now: new Date() });

  it.each(SELF_METRIC_DEFINITIONS.map((definition) => [definition.name, definition] as const))(
    '%s is defined exactly as examples/metrics.yaml defines it',
    (name, definition) => {
      expect(findMetric(catalog, name)?.definition).toEqual(definition);
    },
  );

  it('covers every telemetry.self.* metric of the example catalog', () => {
    const inExample = [...catalog.metrics.keys()].filter((name) => name.startsWith('telemetry.self.')).sort();
    expect(SELF_METRIC_DEFINITIONS.map((definition) => definition.name).sort()).toEqual(inExample);
  });
});
