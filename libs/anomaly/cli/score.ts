/**
 * npm run anomaly:score -- <input.csv|dir> <output.csv|dir>
 * Scores NAB-style CSVs (timestamp,value) and writes timestamp,value,anomaly_score.
 */
import { scoreCsvFiles } from './score-csv-files';

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  process.stderr.write('usage: npm run anomaly:score -- <input.csv|dir> <output.csv|dir>\n');
  process.exit(2);
}
try {
  const report = scoreCsvFiles(input, output);
  process.stdout.write(`scored ${report.points} points in ${report.files} file(s) in ${report.scoringMs.toFixed(1)} ms of scoring\n`);
} catch (error) {
  // Bad input is the user's to fix: say which file and line, without a stack trace.
  process.stderr.write(`anomaly:score: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
