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
const report = scoreCsvFiles(input, output);
process.stdout.write(`scored ${report.points} points in ${report.files} file(s) in ${report.scoringMs.toFixed(1)} ms of scoring\n`);
