import type { Attributes } from '@telemetry/contracts';
import type { ReferenceJoin, ReferenceLookup } from '@telemetry/rollup';
import type { Pool } from 'pg';

/**
 * The configured reference data sets, held in memory and reloaded periodically (a batch looks up
 * thousands of keys; a query per event would be the bottleneck). `refdata:load` writes the table;
 * the next refresh picks it up.
 */
export class ReferenceDataCache {
  private data = new Map<string, Map<string, Attributes>>();
  private keys: string[] = [];

  constructor(
    private readonly pool: Pool,
    readonly joins: readonly ReferenceJoin[],
  ) {}

  readonly lookup: ReferenceLookup = (dataset, key) => this.data.get(dataset)?.get(key);

  /** Attribute names the loaded reference data can add to an event. */
  get enrichmentKeys(): readonly string[] {
    return this.keys;
  }

  get size(): number {
    let size = 0;
    for (const records of this.data.values()) size += records.size;
    return size;
  }

  async refresh(): Promise<void> {
    const datasets = [...new Set(this.joins.map((join) => join.dataset))];
    if (datasets.length === 0) return;
    const { rows } = await this.pool.query<{ dataset: string; key: string; attributes: Attributes }>(
      `SELECT dataset, key, attributes FROM reference_data WHERE dataset = ANY($1::text[])`,
      [datasets],
    );
    const data = new Map<string, Map<string, Attributes>>();
    const keys = new Set<string>();
    for (const row of rows) {
      let records = data.get(row.dataset);
      if (!records) {
        records = new Map();
        data.set(row.dataset, records);
      }
      records.set(row.key, row.attributes);
      for (const name of Object.keys(row.attributes)) keys.add(name);
    }
    this.data = data;
    this.keys = [...keys].sort();
  }
}
