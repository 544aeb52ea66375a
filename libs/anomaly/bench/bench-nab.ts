/**
 * npm run bench:nab — scores the NAB subset in ../shared/data/nab-dev with the CLI's code, then
 * runs the NAB scorer against the published detectors. Ends with one JSON line.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { scoreCsvFiles } from '../cli/score-csv-files';

const NAB_DIR = resolve(process.cwd(), '../shared/data/nab-dev');
const SCORER = resolve(process.cwd(), '../shared/tools/nab_score.py');
const ANCHORS = 'numenta,ARTime,twitterADVec,skyline,windowedGaussian';
const extraArgs = process.argv.slice(2);

const outDir = mkdtempSync(join(tmpdir(), 'nab-ours-'));
try {
  const report = scoreCsvFiles(join(NAB_DIR, 'data'), outDir);
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
  process.stdout.write(`scored ${report.points} points in ${report.files} files: ${report.scoringMs.toFixed(1)} ms of scoring, ${pointsPerSec} points/s, ${usPerPoint.toFixed(3)} µs/point\n`);
  process.stdout.write(
    `${JSON.stringify({
      bench: 'nab',
      standardScore: ours.standard,
      lowFpScore: ours.reward_low_FP_rate,
      lowFnScore: ours.reward_low_FN_rate,
      pointsPerSec,
      usPerPoint: Number(usPerPoint.toFixed(3)),
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
