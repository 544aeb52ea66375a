/**
 * Evaluations per second of a typical derived-metric formula on one core (target ≥ 5 million/s).
 * Inputs vary per iteration so the optimiser cannot fold the work away; the result is summed and
 * printed so it cannot be eliminated either. Ends with one JSON line (DEVELOPING.md).
 */
import { evaluate, parseFormula, type FormulaInputs } from '../src';

const SOURCE = '100 * rate(checkout.errors) / rate(checkout.requests)';
const INPUT_VARIANTS = 1_024;
const WARMUP_EVALUATIONS = 2_000_000;
const MEASURED_EVALUATIONS = 20_000_000;
const ROUNDS = 3;

const formula = parseFormula(SOURCE);
const inputs: FormulaInputs[] = Array.from({ length: INPUT_VARIANTS }, (_, i) => ({
  'checkout.errors': { count: i, sum: i, min: 1, max: 1, bucketSeconds: 60 },
  // Every 64th bucket has no requests: exercises the division-by-zero path that yields null.
  'checkout.requests': { count: 1_000 + i, sum: i % 64 === 0 ? 0 : 1_000 + i, min: 1, max: 1, bucketSeconds: 60 },
}));

const run = (evaluations: number): { seconds: number; checksum: number; nulls: number } => {
  let checksum = 0;
  let nulls = 0;
  const started = process.hrtime.bigint();
  for (let i = 0; i < evaluations; i += 1) {
    const value = evaluate(formula, inputs[i & (INPUT_VARIANTS - 1)] as FormulaInputs);
    if (value === null) nulls += 1;
    else checksum += value;
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { seconds, checksum, nulls };
};

run(WARMUP_EVALUATIONS);
const rates: number[] = [];
for (let round = 1; round <= ROUNDS; round += 1) {
  const { seconds, checksum, nulls } = run(MEASURED_EVALUATIONS);
  const perSec = MEASURED_EVALUATIONS / seconds;
  rates.push(perSec);
  console.log(
    `round ${round}: ${MEASURED_EVALUATIONS.toLocaleString('en')} evaluations in ${seconds.toFixed(3)} s = ` +
      `${Math.round(perSec).toLocaleString('en')}/s (nulls ${nulls}, checksum ${checksum.toFixed(1)})`,
  );
}
// The median round: the machine is shared, so one slow round should not decide the figure.
const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)] ?? 0;
console.log(`formula: ${SOURCE}`);
console.log(JSON.stringify({ bench: 'formula', evaluationsPerSec: Math.round(median), targetEvaluationsPerSec: 5_000_000 }));
