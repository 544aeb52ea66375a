import { Args, Query, Resolver } from '@nestjs/graphql';
import { DEFAULT_CORRELATION_MINING, DEFAULT_SEGMENT_MINING, mineCorrelations, mineSegments } from '@telemetry/rollup';
import { badUserInput } from '../errors/api-error';
import { Pattern } from './pattern.model';
import { PatternsRepository, type MiningRange } from './patterns.repository';

const HOUR_MS = 3_600_000;
const MAX_MINING_RANGE_MS = 93 * 24 * HOUR_MS;
/** Correlations compare metrics bucket by bucket: hourly over long ranges, by the minute over short ones. */
const HOURLY_FROM_MS = 12 * HOUR_MS;
const MAX_CORRELATED_METRICS = 200;

export const miningRange = (fromMs: number, toMs: number): MiningRange => {
  if (!(toMs > fromMs)) throw badUserInput('to must be after from', { argument: 'to' });
  if (toMs - fromMs > MAX_MINING_RANGE_MS) throw badUserInput('patterns are mined over at most 93 days', { argument: 'from' });
  return toMs - fromMs >= HOURLY_FROM_MS
    ? { table: 'rollups_1h', fromMs, toMs, bucketSeconds: 3_600 }
    : { table: 'rollups_1m', fromMs, toMs, bucketSeconds: 60 };
};

@Resolver(() => Pattern)
export class PatternsResolver {
  constructor(private readonly patternsRepository: PatternsRepository) {}

  @Query(() => [Pattern], {
    description:
      'Patterns of one metric over [from, to), mined now with the processor\'s functions (libs/rollup): deviating attribute segments, then correlated metrics.',
    complexity: 50,
  })
  async patterns(@Args('metric') metric: string, @Args('from') from: Date, @Args('to') to: Date): Promise<Pattern[]> {
    const range = miningRange(from.getTime(), to.getTime());
    const [totals, means] = await Promise.all([this.patternsRepository.seriesTotals(metric, range), this.patternsRepository.meansByMetric(metric, range, MAX_CORRELATED_METRICS)]);
    const segments = mineSegments(totals, DEFAULT_SEGMENT_MINING);
    const correlations = mineCorrelations(metric, means, DEFAULT_CORRELATION_MINING);
    return [...segments, ...correlations].map((pattern) => ({
      kind: pattern.kind,
      subject: { ...pattern.subject },
      strength: pattern.strength,
      support: pattern.support,
      details: { ...pattern.details },
    }));
  }
}
