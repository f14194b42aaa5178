import type { LoadResult } from './load.js';

/**
 * Brygga and PostGraphile measured on one scenario in alternating rounds, for the ratio
 * the targets are about. This machine's speed moves within minutes (PostGraphile's
 * own (a) gave 91 and 111 req/s in two whole benches half an hour apart), so a ratio of two
 * runs minutes apart measures the machine as much as the servers. Run round by round, each
 * round's two runs share the machine's moment, the order alternating so that neither server
 * always has the warmer or the colder start; the round whose ratio is the median is the one
 * reported.
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

/** Brygga's rate over PostGraphile's in one round; 0 when PostGraphile completed nothing. */
export function ratioOf(pair: PairedRound): number {
  const pg = pair.postgraphile.requestsPerSecond;
  return pg > 0 ? pair.brygga.requestsPerSecond / pg : 0;
}

/**
 * The round whose ratio is the median; of an even number of rounds, the lower of the two
 * middle ones, so that a tie between a good and a bad round never reads as the good one.
 */
export function medianRound(pairs: readonly PairedRound[]): PairedRound {
  if (pairs.length === 0) throw new Error('no rounds to take the median of');
  const sorted = [...pairs].sort((a, b) => ratioOf(a) - ratioOf(b));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}
