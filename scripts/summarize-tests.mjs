// Sums vitest JSON reports into the one closing line CI reads: "Tests: N passed, N failed".
// Before it, the fault tests' counts (test/faults writes .reports/fault-counts.json), when there are any.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const FAULT_COUNTS = join(import.meta.dirname, '..', '.reports', 'fault-counts.json');

let passed = 0;
let failed = 0;
let skipped = 0;
let firstStartMs = Infinity;
const files = process.argv.slice(2);
for (const file of files) {
  const report = JSON.parse(readFileSync(file, 'utf8'));
  if (Number.isFinite(report.startTime)) firstStartMs = Math.min(firstStartMs, report.startTime);
  passed += report.numPassedTests ?? 0;
  failed += report.numFailedTests ?? 0;
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  // A file that failed to load has no tests but counts as a failure.
  for (const suite of report.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
}
if (files.length === 0) failed += 1;

/** Cases recorded by this run (not before its first report started), one line each: "faults: <case> acknowledged=… stored=… lost=… duplicated=…". */
const faultLines = () => {
  if (!existsSync(FAULT_COUNTS)) return [];
  let recorded;
  try {
    recorded = JSON.parse(readFileSync(FAULT_COUNTS, 'utf8')).cases ?? {};
  } catch (error) {
    return [`faults: ${FAULT_COUNTS} is unreadable (${error.message})`];
  }
  return Object.entries(recorded)
    .filter(([, counts]) => !Number.isFinite(firstStartMs) || Date.parse(counts.at) >= firstStartMs)
    .map(([name, { acknowledged, stored, lost, duplicated }]) => `faults: ${name} acknowledged=${acknowledged} stored=${stored} lost=${lost} duplicated=${duplicated}`);
};
for (const line of faultLines()) console.log(line);
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
