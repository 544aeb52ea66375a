import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseTimestampMs } from '@telemetry/contracts';
import { createDetector } from '../src';
import type { DetectorConfig } from '../src';

/** One NAB-style series: the timestamp column kept verbatim for the output, parsed for the detector. */
export interface CsvSeries {
  inputPath: string;
  outputPath: string;
  timestampTexts: string[];
  timestampsMs: Float64Array;
  values: Float64Array;
}

export interface ScoreFilesReport {
  files: number;
  points: number;
  /** Time spent in the detector only: parsing and writing are excluded. */
  scoringMs: number;
}

function listCsvFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listCsvFiles(path));
    else if (entry.isFile() && entry.name.endsWith('.csv')) found.push(path);
  }
  return found;
}

/** NAB writes "2014-07-01 00:00:00" meaning UTC; anything else must be ISO-8601 or epoch ms. */
function parseCsvTimestamp(text: string): number | null {
  if (/^\d+$/.test(text)) return parseTimestampMs(Number(text));
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text) ? `${text.replace(' ', 'T')}Z` : text;
  return parseTimestampMs(iso);
}

function readSeries(inputPath: string, outputPath: string): CsvSeries {
  const lines = readFileSync(inputPath, 'utf8').split(/\r?\n/).filter((line) => line.length > 0);
  const header = (lines[0] ?? '').split(',').map((cell) => cell.trim());
  const timeColumn = header.indexOf('timestamp');
  const valueColumn = header.indexOf('value');
  if (timeColumn < 0 || valueColumn < 0) throw new Error(`${inputPath}: header must contain timestamp and value, got "${lines[0] ?? ''}"`);
  const rows = lines.length - 1;
  const series: CsvSeries = {
    inputPath,
    outputPath,
    timestampTexts: new Array<string>(rows),
    timestampsMs: new Float64Array(rows),
    values: new Float64Array(rows),
  };
  for (let i = 0; i < rows; i += 1) {
    const cells = (lines[i + 1] as string).split(',');
    const timestampText = (cells[timeColumn] ?? '').trim();
    const timestampMs = parseCsvTimestamp(timestampText);
    const value = Number((cells[valueColumn] ?? '').trim());
    if (timestampMs === null) throw new Error(`${inputPath}:${i + 2}: bad timestamp "${timestampText}"`);
    if (!Number.isFinite(value)) throw new Error(`${inputPath}:${i + 2}: bad value "${cells[valueColumn] ?? ''}"`);
    series.timestampTexts[i] = timestampText;
    series.timestampsMs[i] = timestampMs;
    series.values[i] = value;
  }
  return series;
}

/** Reads one CSV file, or every CSV below a directory, pairing each with its output path (mirrored layout). */
export function readCsvSeries(input: string, output: string): CsvSeries[] {
  const isDir = statSync(input).isDirectory();
  const inputs = isDir ? listCsvFiles(input) : [input];
  return inputs.map((path) => readSeries(path, isDir ? join(output, relative(input, path)) : output));
}

export interface ScoredSeries {
  scores: Float64Array[];
  points: number;
  /** Time spent in the detector only (wall clock). */
  scoringMs: number;
  /** CPU time of this process over the same span: on a shared machine, what the scoring itself cost. */
  scoringCpuMs: number;
}

/** Scores each series with a fresh detector, in order, with no look-ahead. No I/O: this is what is timed. */
export function scoreSeriesList(allSeries: readonly CsvSeries[], config: Partial<DetectorConfig> = {}): ScoredSeries {
  const scores = allSeries.map((series) => new Float64Array(series.values.length));
  let points = 0;
  const started = process.hrtime.bigint();
  const cpuStarted = process.cpuUsage();
  allSeries.forEach((series, fileIndex) => {
    const detector = createDetector(config);
    const fileScores = scores[fileIndex] as Float64Array;
    for (let i = 0; i < series.values.length; i += 1) {
      fileScores[i] = detector.score(series.timestampsMs[i] as number, series.values[i] as number).score;
    }
    points += series.values.length;
  });
  const cpu = process.cpuUsage(cpuStarted);
  return { scores, points, scoringMs: Number(process.hrtime.bigint() - started) / 1e6, scoringCpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Writes timestamp,value,anomaly_score per series, creating directories as needed. */
export function writeScoredSeries(allSeries: readonly CsvSeries[], scores: readonly Float64Array[]): void {
  allSeries.forEach((series, fileIndex) => {
    const fileScores = scores[fileIndex] as Float64Array;
    const lines = ['timestamp,value,anomaly_score'];
    for (let i = 0; i < series.values.length; i += 1) {
      lines.push(`${series.timestampTexts[i] as string},${series.values[i] as number},${fileScores[i] as number}`);
    }
    mkdirSync(dirname(series.outputPath), { recursive: true });
    writeFileSync(series.outputPath, `${lines.join('\n')}\n`);
  });
}

/**
 * Scores one CSV file or every CSV below a directory (mirroring the layout into the output) and
 * writes timestamp,value,anomaly_score. Each file gets a fresh detector and is scored in order.
 */
export function scoreCsvFiles(input: string, output: string, config: Partial<DetectorConfig> = {}): ScoreFilesReport {
  const allSeries = readCsvSeries(input, output);
  const scored = scoreSeriesList(allSeries, config);
  writeScoredSeries(allSeries, scored.scores);
  return { files: allSeries.length, points: scored.points, scoringMs: scored.scoringMs };
}
