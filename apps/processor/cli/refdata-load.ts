import { readFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { databaseConfigSchema, loadConfigOrExit } from '@telemetry/config';
import { createPool } from '@telemetry/db';
import { parseReferenceData, ReferenceDataError } from '@telemetry/rollup';
import { saveReferenceData } from '../src/enrichment/reference-data.repository';

const USAGE = `usage: npm run refdata:load -- <file.csv|file.json> [--dataset name] [--key column] [--replace]
  --dataset  data set name (default: the file name without extension, e.g. devices)
  --key      key column (CSV default: the first column; JSON arrays default: "id")
  --replace  delete the data set's keys that the file no longer has
The processor joins a data set onto events through REFDATA_JOIN=<dataset>:<event attribute>.`;

const main = async () => {
  const { values, positionals } = parseArgs({
    options: { dataset: { type: 'string' }, key: { type: 'string' }, replace: { type: 'boolean', default: false }, help: { type: 'boolean' } },
    allowPositionals: true,
  });
  const file = positionals[0];
  if (values.help || !file) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(values.help ? 0 : 64);
  }
  const extension = extname(file).toLowerCase();
  if (extension !== '.csv' && extension !== '.json') throw new ReferenceDataError(`${file}: expected a .csv or .json file`);
  const dataset = values.dataset ?? basename(file, extname(file));
  const records = parseReferenceData(readFileSync(file, 'utf8'), extension === '.csv' ? 'csv' : 'json', values.key);
  const config = loadConfigOrExit(databaseConfigSchema, process.env);
  const pool = createPool(config);
  try {
    const result = await saveReferenceData(pool, dataset, records, values.replace ?? false);
    process.stdout.write(`refdata: dataset "${dataset}": ${result.upserted} record(s) loaded, ${result.deleted} removed\n`);
  } finally {
    await pool.end();
  }
};

main().catch((error: unknown) => {
  process.stderr.write(`refdata: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(error instanceof ReferenceDataError ? 65 : 1);
});
