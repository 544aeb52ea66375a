/**
 * npm run bench:nab — scores the NAB subset in ../shared/data/nab-dev with the CLI's code, then
 * runs the NAB scorer against the published detectors. Ends with one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { readCsvSeries, scoreSeriesList, writeScoredSeries } from '../cli/score-csv-files';

const NAB_DIR = resolve(process.cwd(), '../shared/data/nab-dev');
const SCORER = resolve(process.cwd(), '../shared/tools/nab_score.py');
const ANCHORS = 'numenta,ARTime,twitterADVec,skyline,windowedGaussian';
const extraArgs = process.argv.slice(2);

const outDir = mkdtempSync(join(tmpdir(), 'nab-ours-'));
try {
  const allSeries = readCsvSeries(join(NAB_DIR, 'data'), outDir);
  // The first pass includes JIT compilation; a long-running service scores at the second pass's speed.
  // The two passes must agree exactly: the detector is deterministic.
  const cold = scoreSeriesList(allSeries);
  const report = scoreSeriesList(allSeries);
  if (!cold.scores.every((scores, i) => scores.every((score, j) => score === report.scores[i]?.[j]))) {
    throw new Error('two scoring passes over the same data disagree: the detector is not deterministic');
  }
  writeScoredSeries(allSeries, report.scores);
  const output = execFileSync(
    'python3',
    [SCORER, '--nab', NAB_DIR, '--results', outDir, '--name', 'ours', '--anchors-dir', join(NAB_DIR, 'results'), '--anchors', ANCHORS, ...extraArgs],
    { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const lines = output.trimEnd().split('\n');
  process.stdout.write(`${lines.slice(0, -1).join('\n')}\n`);
  const scorerJson = JSON.parse(lines[lines.length - 1] as string) as unknown;
  const ours = findOurs(scorerJson);
  const usPerPoint = (report.scoringMs * 1000) / report.points;
  const pointsPerSec = Math.round(report.points / (report.scoringMs / 1000));
  const cpuUsPerPoint = (report.scoringCpuMs * 1000) / report.points;
  const coldUsPerPoint = (cold.scoringMs * 1000) / cold.points;
  process.stdout.write(`first pass (cold JIT): ${cold.scoringMs.toFixed(1)} ms for ${cold.points} points, ${coldUsPerPoint.toFixed(3)} µs/point\n`);
  process.stdout.write(`second pass: ${report.scoringMs.toFixed(1)} ms for ${report.points} points in ${allSeries.length} files, ${pointsPerSec} points/s, ${usPerPoint.toFixed(3)} µs/point (CPU time ${cpuUsPerPoint.toFixed(3)} µs/point)\n`);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'nab',
      standardScore: ours.standard,
      lowFpScore: ours.reward_low_FP_rate,
      lowFnScore: ours.reward_low_FN_rate,
      pointsPerSec,
      usPerPoint: Number(usPerPoint.toFixed(3)),
      cpuPointsPerSec: Math.round(1e6 / cpuUsPerPoint),
      cpuUsPerPoint: Number(cpuUsPerPoint.toFixed(3)),
      coldUsPerPoint: Number(coldUsPerPoint.toFixed(3)),
    })}\n`,
  );
} finally {
  rmSync(outDir, { recursive: true, force: true });
}

type ProfileName = 'standard' | 'reward_low_FP_rate' | 'reward_low_FN_rate';

/** The scorer's last line: {"detectors": {"ours": {"standard": {"score": ...}, ...}, ...}, ...}. */
function findOurs(json: unknown): Record<ProfileName, number> {
  const detectors = (json as { detectors?: Record<string, Record<string, { score?: unknown }>> }).detectors;
  const ours = detectors?.ours;
  const pick = (profile: ProfileName): number => {
    const score = ours?.[profile]?.score;
    if (typeof score !== 'number') throw new Error(`nab_score.py reported no ${profile} score for "ours"`);
    return Number(score.toFixed(2));
  };
  return { standard: pick('standard'), reward_low_FP_rate: pick('reward_low_FP_rate'), reward_low_FN_rate: pick('reward_low_FN_rate') };
}
