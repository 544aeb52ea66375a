import type { ReferenceRecord } from '@telemetry/rollup';
import type { Pool } from 'pg';

const CHUNK_ROWS = 5_000;

/**
 * Upserts one data set's records in one transaction (all or nothing). With `replace`, keys of the
 * data set that the file no longer has are deleted, so the table mirrors the file.
 */
export const saveReferenceData = async (
  pool: Pool,
  dataset: string,
  records: readonly ReferenceRecord[],
  replace: boolean,
): Promise<{ upserted: number; deleted: number }> => {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    for (let start = 0; start < records.length; start += CHUNK_ROWS) {
      const chunk = records.slice(start, start + CHUNK_ROWS);
      await client.query(
        `INSERT INTO reference_data (dataset, key, attributes, loaded_at)
         SELECT $1, u.key, u.attributes, now() FROM unnest($2::text[], $3::jsonb[]) AS u(key, attributes)
         ON CONFLICT (dataset, key) DO UPDATE SET attributes = EXCLUDED.attributes, loaded_at = EXCLUDED.loaded_at`,
        [dataset, chunk.map((r) => r.key), chunk.map((r) => JSON.stringify(r.attributes))],
      );
    }
    let deleted = 0;
    if (replace) {
      const result = await client.query(`DELETE FROM reference_data WHERE dataset = $1 AND NOT (key = ANY($2::text[]))`, [
        dataset,
        records.map((r) => r.key),
      ]);
      deleted = result.rowCount ?? 0;
    }
    await client.query('COMMIT');
    return { upserted: records.length, deleted };
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
};
