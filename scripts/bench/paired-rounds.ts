import type { LoadResult } from './load.js';

/**
 * Brygga and PostGraphile measured on one scenario in alternating rounds, for the ratio
 * the targets are about. This machine's speed moves within minutes (PostGraphile's
 * own (a) gave 91 and 111 req/s in two whole benches half an hour apart), so a ratio of two
 * runs minutes apart measures the machine as much as the servers. Run round by round, each
 * round's two runs share the machine's moment, the order alternating so that neither server
 * always has the warmer or the colder start; the round whose ratio is the median is the one
 * reported. The same holds for the tail at a fixed rate: one 15 s run's p99 is its fifth
 * slowest request or so, which a single collection or a slow moment of the machine decides.
 */
export interface PairedRound {
  brygga: LoadResult;
  postgraphile: LoadResult;
  /** Which of the two ran first in this round. */
  first: 'brygga' | 'postgraphile';
}

export async function pairedRounds(
  rounds: number,
  run: { brygga: () => Promise<LoadResult>; postgraphile: () => Promise<LoadResult> },
): Promise<PairedRound[]> {
  const pairs: PairedRound[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      const brygga = await run.brygga();
      pairs.push({ brygga, postgraphile: await run.postgraphile(), first: 'brygga' });
    } else {
      const postgraphile = await run.postgraphile();
      pairs.push({ brygga: await run.brygga(), postgraphile, first: 'postgraphile' });
    }
  }
  return pairs;
}

/** How a round went for Brygga against PostGraphile: above 1 Brygga did better. */
export type RoundRatio = (pair: PairedRound) => number;

/** Brygga's rate over PostGraphile's in one round; 0 when PostGraphile completed nothing. */
export const ratioOf: RoundRatio = (pair) => {
  const pg = pair.postgraphile.requestsPerSecond;
  return pg > 0 ? pair.brygga.requestsPerSecond / pg : 0;
};

/**
 * PostGraphile's p99 over Brygga's in one round at the same fixed rate: at least 1 when
 * Brygga's tail is no worse. 0 when Brygga completed nothing (no tail is not a short one).
 */
export const tailRatioOf: RoundRatio = (pair) => {
  if (pair.brygga.requests === 0) return 0;
  const brygga = pair.brygga.latencyMs.p99;
  return brygga > 0 ? pair.postgraphile.latencyMs.p99 / brygga : 0;
};

/**
 * The round whose ratio is the median; of an even number of rounds, the lower of the two
 * middle ones, so that a tie between a good and a bad round never reads as the good one.
 */
export function medianRound(
  pairs: readonly PairedRound[],
  ratio: RoundRatio = ratioOf,
): PairedRound {
  if (pairs.length === 0) throw new Error('no rounds to take the median of');
  const sorted = [...pairs].sort((a, b) => ratio(a) - ratio(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
